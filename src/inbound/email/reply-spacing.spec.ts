import { describe, expect, it } from '@jest/globals';
import { buildMail } from '../../../test/fixtures/mail/builder.js';
import { htmlToText } from './html-text.mjs';
import { parseMail } from './parse-mail.js';
import { linesHolding, replyText } from './reply-text.js';

/** A multipart/alternative mail, as Gmail, Outlook and Apple Mail send replies: text part, then HTML. */
function alternative(text: string, html: string): Buffer {
  const boundary = '000000000000a1b2c3d4e5f6';
  const rawBody = [
    `--${boundary}`,
    'Content-Type: text/plain; charset="UTF-8"',
    'Content-Transfer-Encoding: 8bit',
    '',
    text,
    `--${boundary}`,
    'Content-Type: text/html; charset="UTF-8"',
    'Content-Transfer-Encoding: 8bit',
    '',
    html,
    `--${boundary}--`,
  ]
    .join('\n')
    .replace(/\n/g, '\r\n');
  return buildMail({ contentType: `multipart/alternative; boundary="${boundary}"`, rawBody });
}

const htmlOnly = (html: string) => buildMail({ contentType: 'text/html; charset=utf-8', text: html });

/** The typed reply every client below carries: two paragraphs and a two-line signature. */
const TYPED = 'Bonjour,\n\nMerci pour le message, je rappelle Mme Petit cet après-midi.\n\nCordialement,\nPaul Durand';

const GMAIL_HTML =
  '<div dir="ltr"><div>Bonjour,</div><div><br></div><div>Merci pour le message, je rappelle Mme Petit cet après-midi.</div><div><br></div><div>Cordialement,</div><div>Paul Durand</div></div><br>' +
  '<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">Le mar. 24 nov. 2026 à 09:12, Permanence du Centre &lt;<a href="mailto:accueil@permanence.test">accueil@permanence.test</a>&gt; a écrit&nbsp;:<br></div>' +
  '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">Mme Petit a appelé à 9 h.<br></blockquote></div>';
const GMAIL_TEXT = `${TYPED}\n\nLe mar. 24 nov. 2026 à 09:12, Permanence du Centre <accueil@permanence.test> a\nécrit :\n\n> Mme Petit a appelé à 9 h.\n>\n`;

/** Outlook on the web / new Outlook: one div per line, <div><br></div> for an empty one. */
const OUTLOOK_WEB_HTML =
  '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style></head><body dir="ltr">' +
  '<div class="elementToProof" style="font-family: Aptos, sans-serif; font-size: 12pt;">Bonjour,</div>' +
  '<div class="elementToProof" style="font-family: Aptos, sans-serif; font-size: 12pt;"><br></div>' +
  '<div class="elementToProof" style="font-family: Aptos, sans-serif; font-size: 12pt;">Merci pour le message, je rappelle Mme Petit cet après-midi.</div>' +
  '<div class="elementToProof" style="font-family: Aptos, sans-serif; font-size: 12pt;"><br></div>' +
  '<div class="elementToProof" style="font-family: Aptos, sans-serif; font-size: 12pt;">Cordialement,<br>Paul Durand</div>' +
  '<div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000"><b>De :</b> Permanence du Centre &lt;accueil@permanence.test&gt;<br><b>Envoyé :</b> mardi 24 novembre 2026 09:12<br><b>Objet :</b> Appel de Mme Petit</font><div>&nbsp;</div></div>' +
  '<div>Mme Petit a appelé à 9 h.</div></body></html>';
const OUTLOOK_TEXT = `${TYPED}\n\n________________________________\nDe : Permanence du Centre <accueil@permanence.test>\nEnvoyé : mardi 24 novembre 2026 09:12\nObjet : Appel de Mme Petit\n\nMme Petit a appelé à 9 h.\n`;

/** Outlook for Windows (Word): one MsoNormal paragraph per line, &nbsp; in an empty one. */
const OUTLOOK_DESKTOP_HTML =
  '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style><!-- p.MsoNormal {margin:0cm;font-size:11.0pt;} --></style></head><body lang="FR"><div class="WordSection1">' +
  '<p class="MsoNormal">Bonjour,<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p>' +
  '<p class="MsoNormal">Merci pour le message, je rappelle Mme Petit cet après-midi.<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p>' +
  '<p class="MsoNormal">Cordialement,<o:p></o:p></p><p class=MsoNormal>Paul Durand<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p>' +
  '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>De&nbsp;:</b> Permanence du Centre<br><b>Envoyé&nbsp;:</b> mardi 24 novembre 2026 09:12</p></div>' +
  '<p class="MsoNormal">Mme Petit a appelé à 9 h.</p></div></body></html>';

/** Apple Mail: the first line bare in the body, then one div per line, blockquote type=cite. */
const APPLE_HTML =
  '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;">Bonjour,<div><br></div>' +
  '<div>Merci pour le message, je rappelle Mme Petit cet après-midi.</div><div><br></div><div>Cordialement,</div><div>Paul Durand<br><div><br><blockquote type="cite"><div>Le 24 nov. 2026 à 09:12, Permanence du Centre &lt;accueil@permanence.test&gt; a écrit :</div><br><div><div>Mme Petit a appelé à 9 h.</div></div></blockquote></div><br></div></body></html>';
const APPLE_TEXT = `${TYPED}\n\n> Le 24 nov. 2026 à 09:12, Permanence du Centre <accueil@permanence.test> a écrit :\n> \n> Mme Petit a appelé à 9 h.\n\n`;

describe('reply text keeps the blank lines the person typed', () => {
  it.each([
    ['Gmail', GMAIL_TEXT, GMAIL_HTML],
    ['Outlook on the web', OUTLOOK_TEXT, OUTLOOK_WEB_HTML],
    ['Outlook for Windows', OUTLOOK_TEXT, OUTLOOK_DESKTOP_HTML],
    ['Apple Mail', APPLE_TEXT, APPLE_HTML],
  ])('%s, text and HTML parts: the typed text, one blank line between paragraphs', async (_, text, html) => {
    const reply = replyText(await parseMail(alternative(text, html)));
    expect(reply.body).toBe(TYPED);
    expect(reply.original).toContain('Mme Petit a appelé à 9 h.');
  });

  it.each([
    ['Gmail', GMAIL_HTML],
    ['Outlook on the web', OUTLOOK_WEB_HTML],
    ['Outlook for Windows', OUTLOOK_DESKTOP_HTML],
    ['Apple Mail', APPLE_HTML],
  ])('%s, HTML only: converted with the same spacing', async (_, html) => {
    const reply = replyText(await parseMail(htmlOnly(html)));
    expect(reply.body).toBe(TYPED);
    expect(reply.original).toContain('Mme Petit a appelé à 9 h.');
  });

  it('converts an empty line typed as <div><br></div> to one blank line, not two', () => {
    expect(htmlToText('<div>Bonjour,</div><div><br></div><div>Merci</div>')).toBe('Bonjour,\n\nMerci');
    expect(htmlToText('<div>Bonjour,</div><div><br /></div><div><br></div><div>Merci</div>')).toBe('Bonjour,\n\n\nMerci');
    expect(htmlToText('<div>Bonjour,<br></div><div>Merci</div>')).toBe('Bonjour,\nMerci');
    expect(htmlToText('Bonjour,<br><br>Merci')).toBe('Bonjour,\n\nMerci');
    expect(htmlToText('<p>Bonjour,</p><p>Merci</p>')).toBe('Bonjour,\n\nMerci');
  });

  it('an HTML-only mail without a quote keeps its spacing too (its text is converted the same way)', async () => {
    const mail = await parseMail(htmlOnly('<div dir="ltr">Bonjour,<div><br></div><div>Merci</div></div>'));
    expect(mail.text).toBe('Bonjour,\n\nMerci');
    expect(replyText(mail).body).toBe('Bonjour,\n\nMerci');
  });

  it('takes the converted HTML before the quote when the text part says something else', async () => {
    // A text part that does not hold the same words (a client that wrote it from another draft).
    const reply = replyText(await parseMail(alternative('Autre chose entièrement.\n', GMAIL_HTML)));
    expect(reply.body).toBe(TYPED);
  });

  it('lines up the text part with the words before the quote, or refuses to', () => {
    expect(linesHolding('Bonjour,\n\nMerci\n\nLe mar. a écrit :\n> x', 'Bonjour,\n\n\nMerci')).toBe('Bonjour,\n\nMerci');
    expect(linesHolding('Bonjour,\n\nMerci beaucoup\n', 'Bonjour,\nMerci')).toBeNull();
    expect(linesHolding('Bonjour\n', 'Bonjour,\nMerci')).toBeNull();
    expect(linesHolding('Bonjour,\n', '  ')).toBeNull();
  });
});
