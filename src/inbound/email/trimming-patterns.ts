/**
 * Line patterns of the reply trimmer. Each answers for one line (the trimmer never runs a pattern
 * over more than one line, and only over the first MAX_PROBE characters of it, so the work per
 * line is bounded). Languages: English and French first (our clients), then the usual European
 * ones and a few others, as replies from abroad and forwarded mail carry them.
 */

/** Longest part of a line any pattern looks at; introductions and headers are far shorter. */
export const MAX_PROBE = 400;

/** Whether a pattern's source has a capture group or a back-reference (escapes and classes skipped). */
function capturesOrRefers(source: string): boolean {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      if (!inClass && /[1-9k]/.test(source[i + 1] ?? '')) return true;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(' && source[i + 1] !== '?') {
      return true;
    } else if (c === '(' && source[i + 2] === '<' && !'=!'.includes(source[i + 3])) {
      return true; // (?<name>…)
    }
  }
  return false;
}

/**
 * One test for a whole list of patterns: the list's patterns joined into one alternation per set
 * of flags. One call per list instead of one per pattern made classifying a reply's lines three
 * times cheaper. Joined patterns must not capture or refer back (numbering would shift).
 */
export function anyOf(list: readonly RegExp[]): (line: string) => boolean {
  const refused = list.find((re) => capturesOrRefers(re.source));
  if (refused) throw new Error(`anyOf: ${refused} has a capture group or a back-reference`);
  // Anchored patterns fail at once past the line's start; one unanchored pattern joined to them
  // would have every one of them tried at every position of the line: those stay alone.
  const anchored = Map.groupBy(list.filter((re) => re.source.startsWith('^')), (re) => re.flags);
  const tests = [
    ...[...anchored].map(([flags, group]) => new RegExp(group.map((re) => `(?:${re.source})`).join('|'), flags)),
    ...list.filter((re) => !re.source.startsWith('^')),
  ];
  return (line) => tests.some((re) => re.test(line));
}

/** The signature delimiter ("-- ", and "--" as mail programs that trim line ends leave it). */
export const SIGNATURE_DELIMITER = /^(?:--[ \t]?|[ \t]*ᐧ[ \t]*)$/u;

/**
 * A line made only of one repeated separator character (`-----`, `_____`, `=====`…) or Gmail's
 * tracker mark. In a body it is a rule (a table's, a section's): it ends what the person wrote
 * only where quoted history starts right under it.
 */
export const RULE = /^[ \t]*([-_=+~#*—–•])\1{2,}[ \t]*$/u;

/** A one-word (or two-word) sign-off after a dash, alone at the end: "--Daniel", "—Daniel", "-Abhishek Kona". */
export const DASH_NAME = /^[ \t]*(?:--?|—|–)[ \t]?\p{Lu}[\p{L}.'’-]{1,30}(?:[ \t]\p{Lu}[\p{L}.'’-]{1,30})?[ \t]*$/u;

/** Mobile and mail-program footers ("Envoyé de mon iPhone"), removed wherever they stand. */
const DEVICE = String.raw`(?:i\s?phone|ipad|ipod|android|mobile|smartphone|samsung|galaxy|outlook|blackberry|huawei|xiaomi|windows phone|tablet(?:te)?|handy|mobilgerät|mail app|mobiltelefon)`;
export const SIGNATURE = [
  /^[ \t]*[\p{L}\p{N}_]+ from mobile/iu,
  /^[ \t]*[(<]*sent (?:from|via|with|by|using) .+[)>]*/iu,
  // "Envoyé depuis Yahoo Mail pour Android", "Gesendet von Outlook für iOS"…: a verb, a device or a mail app.
  new RegExp(String.raw`^[ \t]*(?:envoy[ée]|gesendet|enviado|inviato|verzonden|verstuurd|trimis|skickat|sendt|wysłane)\s.{0,40}(?<![\p{L}])(?:${DEVICE}|yahoo mail|gmail|aol)(?![\p{L}]).{0,30}$`, 'iu'),
  /^[ \t]*from my .{1,20}$/iu,
  /^[ \t]*get \[?outlook for /iu,
  /^[ \t]*envoy[ée] (?:depuis|de|à partir de|avec) (?:mon|ma|un|une|l['’]) ?.+/iu,
  /^[ \t]*(?:obtenir|téléchargez) outlook pour /iu,
  /^[ \t]*outlook (?:für|for|pour|voor|per|para) (?:ios|android) (?:beziehen|herunterladen|downloaden|scaricare|descargar)\b/iu,
  /^[ \t]*von meine[mn]? .+ gesendet/iu,
  /^[ \t]*diese nachricht wurde von (?:meinem|einem) .+ gesendet/iu,
  /^[ \t]*gesendet (?:von|mit) (?:meine[mn]?|der|dem|einem) /iu,
  /^[ \t]*(?:verzonden|verstuurd) (?:met|vanaf|van|vanuit) /iu,
  /^[ \t]*inviato da /iu,
  /^[ \t]*enviado (?:desde|de|do|a partir do) (?:mi|meu|o meu|my) /iu,
  /^[ \t]*trimis de pe /iu,
  /^[ \t]*skickat från /iu,
  /^[ \t]*sendt fra /iu,
  /^[ \t]*wysłane z /iu,
  /^[ \t]*отправлено с /iu,
  /^[ \t]*lähetetty /iu,
  /^[ \t]*odesláno z /iu,
  // "Az iPhone-omról küldve" (Hungarian: the device first, the verb last).
  new RegExp(String.raw`^[ \t]*(?:az |a )?${DEVICE}[-‑ ]?\p{L}*[ \t]+küldve[ \t]*$`, 'iu'),
  /^[\s\p{Cf}]*أُ?رسلت من /u,
  /^[ \t]*從我的 .+傳送/u,
  /^[ \t]*发自我的/u,
];

/** Words that close an introduction ("… wrote:", "… a écrit :"…), lower-case, as written. */
export const MARKERS = [
  'wrote', 'writes', 'a écrit', 'a ecrit', 'schrieb', 'schreef', 'geschreven', 'ha scritto', 'scrisse', 'escribió', 'escreveu',
  'skrev', 'kirjoitti', 'pisze', 'napisał', 'napsal', 'napísal', 'írta', 'a scris', 'yazdı',
  'написал', 'написав', 'пишет', 'пише', 'كتب', 'כתב',
];
export const MARKER_WORDS = [...MARKERS, 'napisała', 'napisał\\(a\\)', 'написала', 'написал\\(а\\)'].join('|');
const MARKER = String.raw`(?<![\p{L}])(?:${MARKER_WORDS})(?![\p{L}])`;

/**
 * Introductions of quoted history that say so beyond doubt: they carry a date or an address as well
 * as the marker word, or are one of the mail programs' fixed forms. What follows one is history
 * even when it is not quoted with ">".
 */
export const INTRODUCTION = [
  // "On … wrote:", "Le … a écrit :", "Am … schrieb …:", "Op … schreef", "El … escribió:", "W dniu … pisze:"…
  new RegExp(String.raw`^[ \t>\-*\p{Cf}]*(?:on|le|am|op|el|em|den|il(?: giorno)?|w dniu|dnia|в|у|في|ב-?)(?![\p{L}]).{6,}${MARKER}(?:[ \t]*[:：]?|.{0,120}[:：])[ \t\p{Cf}*-]*$`, 'iu'),
  // "Max <max@example.com> schrieb am Fr., 28. Apr. 2017 um 11:53 Uhr:", "27.01.2012 12:00, X пишет:", "X (10:09) a écrit :".
  new RegExp(String.raw`^(?=.*(?:\d|@|&lt;)).{3,}${MARKER}.{0,120}[:：][ \t\p{Cf}*]*$`, 'iu'),
  // "On Mon, Feb 1, 2016 at 4:58 AM -0800, "Some One" <foo@bar.com> sent:" (Outlook for iOS).
  /^[ \t>-]*on\b.{6,}\bsent\s*:[ \t-]*$/iu,
  // "Wiadomość napisana przez X w dniu 17.01.2023, o godz. 11:09:" (Apple Mail, Polish).
  /^[ \t>]*wiadomość napisana przez .{3,}[:：][ \t]*$/iu,
  // A date opening the line, an address, a colon: "2016-03-03 17:21 GMT+01:00 Some One <some@one.test>:", "27.01.2012, 12:00, "X" <x@y>:".
  /^[ \t>]*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b.{0,200}@[^\s<>]+>?[ \t]*[:：][ \t]*$/u,
  // Gmail's older forms: "2013/7/20 sam <info@example.com>", "2016-03-03 17:21 GMT+01:00 Some One".
  /^[ \t>]*\d{4}[-/]\d{1,2}[-/]\d{1,2}[ \t].{0,200}<[^\s<>@]+@[^\s<>]+>[ \t]*[:：]?[ \t]*$/u,
  /^[ \t>]*\d{4}-\d{2}-\d{2}[ \t]+\d{1,2}:\d{2}[ \t]+GMT[+-]\d{2}:?\d{2}[ \t]+\S.{0,120}$/u,
  // A spelled-out date, an address, a colon: "27 января 2012, 12:00 от X <x@y>:", "3 mars 2023 à 16:42, X <x@y> :".
  /^[ \t>]*\d{1,2}\.?[ \t]+\p{L}{3,}\.?,?[ \t]+\d{4}\b.{0,200}@[^\s<>]+>?[ \t]*[:：][ \t]*$/u,
  /^[ \t>]*.{3,}写道[：:][ \t]*$/u,
];

/** "X wrote:" / "X a écrit :" without date or address: an introduction only where a quote follows it. */
export const WEAK_INTRODUCTION = new RegExp(String.raw`^[ \t>]*.{2,80}${MARKER}[ \t]*[:：][ \t]*$`, 'iu');

/** "-----Original Message-----" and its siblings (any words between runs of dashes), Zimbra's "----- Mail original -----". */
export const BANNER = /^[ \t>*]*-{2,}[ \t]*\p{L}[\p{L}\p{M} '’.]{2,40}[ \t]*-{2,}[ \t*]*$/u;
/** Words saying a banner opens a forwarded mail, not the history of this one. */
export const FORWARD_WORDS = /forward|transf[ée]r[ée]|réexpédié|weitergeleitet|doorgestuurd|inoltrato|reenviado|encaminhad|vidarebefordra|videresend|videresendt|przekazan|пересылаем|переслан|továbbított|redirecționat/iu;
/** Forward banners written without dashes: "Begin forwarded message:", "Forwarded message:", "Début du message réexpédié :", "mail transféré". */
export const FORWARD_INTRODUCTION = [
  /^[ \t>]*(?:begin forwarded message|forwarded message|début du message (?:réexpédié|transféré)|anfang der weitergeleiteten nachricht|inizio messaggio inoltrato)[ \t]*:?[ \t]*$/iu,
  /^[ \t>]*(?:mail|message|courriel|e-mail) transféré[ \t]*:?[ \t]*$/iu,
];

/** Names of header lines in a quoted or forwarded mail (Outlook "De : … Envoyé : …" and its siblings). */
const FROM_NAMES = ['from', 'de', 'von', 'van', 'da', 'från', 'fra', 'od', 'от', 'від', 'nadawca', 'feladó', 'expéditeur', 'expediteur', 'remitente', 'mittente', 'afzender', 'absender', '发件人', '寄件者'];
const OTHER_NAMES = [
  'sent', 'to', 'cc', 'bcc', 'subject', 'date', 'reply-to', 'reply to',
  'envoyé', 'envoyé par', 'envoyé le', 'à', 'a', 'objet', 'sujet', 'copie', 'copie à', 'cci', 'répondre à', 'date d[’\']envoi',
  'gesendet', 'an', 'betreff', 'datum', 'kopie',
  'verzonden', 'aan', 'onderwerp',
  'inviato', 'oggetto', 'data', 'risposta', 'per',
  'enviado', 'para', 'asunto', 'assunto', 'fecha',
  'skickat', 'till', 'ämne', 'sendt', 'til', 'emne', 'kopia',
  'wysłano', 'do', 'temat', 'adresat', 'dw',
  'отправлено', 'кому', 'тема', 'дата', 'копия', 'надіслано',
  'címzett', 'tárgy', 'elküldve', 'dátum',
  'către', 'subiect', 'trimis',
  '发送时间', '收件人', '主题', '日期', '收件者',
];
const NAME = (names: string[]) => names.map((name) => name.replaceAll(' ', '[ \\t]')).join('|');
/** A header line: its name (bold or not), a colon, a value (possibly on the next line). */
export const HEADER = new RegExp(String.raw`^[ \t>]*\*?(?:${NAME([...FROM_NAMES, ...OTHER_NAMES])})\*?[ \t]*[:：]`, 'iu');
/** The sender's header ("From:", "De :", "Von:"…), which a quoted mail's header block starts with or holds. */
export const FROM_HEADER = new RegExp(String.raw`^[ \t>]*\*?(?:${NAME(FROM_NAMES)})\*?[ \t]*[:：]`, 'iu');
/** A header name alone on its line, its colon (and value) on the next: "Copie" then ": test". */
export const HEADER_NAME_ALONE = new RegExp(String.raw`^[ \t>]*\*?(?:${NAME([...FROM_NAMES, ...OTHER_NAMES])})\*?[ \t]*$`, 'iu');
/** Several header names on one line ("Temat: RE: … Nadawca: … Adresat:"), as a mangled Outlook block arrives. */
export const HEADER_NAMES_INLINE = new RegExp(String.raw`(?<![\p{L}])(?:${NAME([...FROM_NAMES, ...OTHER_NAMES])})[ \t]*:`, 'giu');

export const QUOTE = /^[ \t]*(?:>|[\p{L}]{1,20}>(?:\s|$))/u;

/** Line openings that may start an introduction broken over several lines ("On Mon …\n… wrote:"). */
export const INTRODUCTION_START = new RegExp(String.raw`^[ \t>\-]*(?:(?:on|le|am|op|el|em|den|il|w dniu|في)\s\S|\d{1,4}[-./ ]\S)|${MARKER}`, 'iu');

/**
 * Contact details in a signature block: a phone or fax line, an address alone, a web address, a
 * company registration (IBAN, VAT, SIRET…), an image placeholder. A sentence that mentions a
 * number is not one: the line must be mostly the detail itself.
 */
export const CONTACT_LINE = [
  /^[\s*_]*(?:tel|tél|téléphone|phone|fax|mobile?|mob|portable|gsm|cell|handy|telefon|tlf|bel mij|[tmf])\b\.?[^\p{L}\n]{0,6}\+?[\d (). /-]{8,}/iu,
  /^[\s*_<]*\+?[\d (). /-]{9,}[\s*_>]*$/u,
  /^[\s*_]*(?:[\p{L} ]{0,24}[:|]?[ \t]*)?\+\d[\d (). /-]{7,}/u,
  /^[\s*_<]*(?:mailto:)?[^\s@<>]+@[^\s@<>]+\.\p{L}{2,}[\s*_>]*$/u,
  /^[\s*_<]*(?:[\p{L}]{0,12}[ \t:]+)?(?:https?:\/\/|www\.)\S+[\s*_>]*$/iu,
  /^[\s*_]*(?:iban|bic|kvk|btw|siret|siren|tva|rcs|vat|ust-?id|nip|regon)\b/iu,
  /^[\s*_]*\[(?:image|cid|logo)[: ][^\]]*\]/iu,
];
