import { useEffect, useRef } from 'react';

const MARK = 'data-preview-style';

/** What an email's markup may not bring into the console's page: nothing that runs, loads or redirects. */
const DROPPED = 'script, style, link, meta, base, iframe, frame, object, embed, form';

/** A style attribute inside a tag (text cannot hold one: the renderer escapes its "<"). */
const STYLE_ATTRIBUTE = /(<[a-z][^>]*?\s)style(\s*=)/gi;

/**
 * Puts `html` into `doc`'s body with its inline styles. The console's page allows no inline style
 * (`style-src 'self'`), and a frame without its own address inherits that policy, so the markup's
 * style attributes would be refused, and even parsing them is reported as a violation. They are
 * renamed before parsing and given back through the CSSOM (`element.style.cssText`), which the
 * policy leaves alone. The markup is parsed inert (DOMParser runs nothing) and stripped of what
 * could run, load or redirect.
 */
function fill(doc: Document, html: string): void {
  const parsed = new DOMParser().parseFromString(html.replace(STYLE_ATTRIBUTE, `$1${MARK}$2`), 'text/html');
  parsed.querySelectorAll(DROPPED).forEach((element) => element.remove());
  parsed.querySelectorAll('*').forEach((element) => {
    for (const { name } of Array.from(element.attributes)) if (name.startsWith('on') || name === 'style') element.removeAttribute(name);
  });
  doc.body.replaceChildren(...Array.from(parsed.body.childNodes, (node) => doc.importNode(node, true)));
  doc.body.removeAttribute(MARK);
  doc.body.removeAttribute('style');
  const bodyStyle = parsed.body.getAttribute(MARK);
  if (bodyStyle !== null) doc.body.setAttribute(MARK, bodyStyle);
  doc.querySelectorAll(`[${MARK}]`).forEach((element) => {
    (element as HTMLElement).style.cssText = element.getAttribute(MARK) ?? '';
    element.removeAttribute(MARK);
  });
}

/**
 * An email's HTML as its recipient's mail program shows it, styles included, in a frame that runs no
 * script (sandboxed; same origin only so that the console can fill it).
 */
export function EmailPreview({ html, title }: { html: string; title: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  useEffect(() => {
    const element = frame.current;
    if (!element) return;
    const render = () => element.contentDocument && fill(element.contentDocument, html);
    render();
    // Should the browser swap in its blank document once loaded, fill that one too.
    element.addEventListener('load', render);
    return () => element.removeEventListener('load', render);
  }, [html]);
  return <iframe ref={frame} title={title} sandbox="allow-same-origin" className="preview" />;
}
