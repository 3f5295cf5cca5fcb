/**
 * Line patterns of the reply trimmer, by kind. A line is classified by the first kind it matches:
 * empty, delimiter, (mobile) signature, embedded-mail marker, mail header, quote, else text.
 * Languages covered: English and French first (our clients), then the usual European ones, as
 * replies from abroad and forwarded mail carry them.
 */

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
 * of flags. A line goes through some fifty patterns; one call per list instead of one per pattern
 * made classifying a reply's lines three times cheaper. Joined patterns must not capture or refer
 * back (numbering would shift): DELIMITER's back-reference keeps it a plain list.
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

/** A line made only of one repeated separator character (`--`, `____`, `-----`…), or Gmail's tracker mark. */
export const DELIMITER = [/^[ \t]*([-_=+~#*—])\1+[ \t]*$/u, /^[ \t]*ᐧ[ \t]*$/u, /^-- $/];

/** Mobile and client footers, removed wherever they stand. */
export const SIGNATURE = [
  /^[ \t]*[\p{L}\p{N}_]+ from mobile/iu,
  /^[ \t]*[(<]*sent (?:from|via|with|by|using) .+[)>]*/iu,
  /^[ \t]*from my .{1,20}$/iu,
  /^[ \t]*get \[?outlook for /iu,
  /^[ \t]*envoy[ée] (?:depuis|de|à partir de) (?:mon|ma|un|une|l['’]) ?.+/iu,
  /^[ \t]*obtenir outlook pour /iu,
  /^[ \t]*téléchargez outlook pour /iu,
  /^[ \t]*von meine[mn]? .+ gesendet/iu,
  /^[ \t]*diese nachricht wurde von (?:meinem|einem) .+ gesendet/iu,
  /^[ \t]*gesendet von meine[mn]? /iu,
  /^[ \t]*verzonden (?:met|vanaf|van) /iu,
  /^[ \t]*verstuurd (?:met|vanaf|van) /iu,
  /^[ \t]*inviato da /iu,
  /^[ \t]*enviado (?:desde|de) (?:mi|meu) /iu,
  /^[ \t]*skickat från /iu,
  /^[ \t]*sendt fra /iu,
  /^[ \t]*wysłane z /iu,
  /^[ \t]*отправлено с /iu,
  /^[ \t]*從我的 .+傳送/u,
  /^[ \t]*发自我的/u,
];

/** Introductions of a quoted or forwarded mail ("On … wrote:", "Le … a écrit :", "-----Original Message-----"…). */
export const EMBEDDED = [
  /^[ \t>*]*-{2,}[ \t]*(?:original message|message d['’]origine|message original|ursprüngliche nachricht|originale nachricht|oorspronkelijk bericht|messaggio originale|mensaje original|mensagem original|originalmeddelande|opprinnelig melding|oryginalna wiadomość|исходное сообщение)[ \t]*-{2,}/iu,
  /^[ \t>*]*-{2,}[ \t]*(?:forwarded message|message transféré|weitergeleitete nachricht|doorgestuurd bericht|messaggio inoltrato|mensaje reenviado)[ \t]*-{2,}/iu,
  /^[ \t>]*(?:begin forwarded message|début du message réexpédié|début du message transféré|anfang der weitergeleiteten nachricht)\s*:/iu,
  /^[ \t>-]*on\b.{6,}\bwrote\s*:?[ \t-]*$/iu,
  /^[ \t>-]*on\b.{6,}\b(?:sent|wrote)\s*:?[ \t-]*$/iu,
  /^[ \t>]*le\b.{6,}\ba écrit\s*:?[ \t]*$/iu,
  /^[ \t>]*.{3,}\ba écrit\s*:[ \t]*$/iu,
  /^[ \t>]*am\b.{6,}\bschrieb.{0,80}:[ \t]*$/iu,
  /^[ \t>]*.{3,}\bschrieb\s*:[ \t]*$/iu,
  /^[ \t>]*op\b.{6,}\bschreef.{0,80}:[ \t]*$/iu,
  /^[ \t>]*.{3,}\bschreef\b.{0,80}:[ \t]*$/iu,
  /^[ \t>]*il (?:giorno )?.{6,}\bha scritto\s*:[ \t]*$/iu,
  /^[ \t>]*el\b.{6,}\bescribió\s*:[ \t]*$/iu,
  /^[ \t>]*em\b.{6,}\bescreveu\s*:[ \t]*$/iu,
  /^[ \t>]*.{3,}\bescreveu\s*:[ \t]*$/iu,
  /^[ \t>]*den\b.{6,}\bskrev.{0,80}:[ \t]*$/iu,
  /^[ \t>]*.{3,}\bskrev\s*:[ \t]*$/iu,
  /^[ \t>]*(?:w dniu|dnia)\b.{6,}(?<!\p{L})(?:pisze|napisał(?:\(a\)|a)?)\s*:[ \t]*$/iu,
  /^[ \t>]*.{6,}(?<!\p{L})(?:pisze|napisał(?:\(a\)|a)?|написал(?:\(а\)|а)?|написав|пише)\s*:[ \t]*$/iu,
  /^[ \t>]*am\b.{6,}\bschrieb\b/iu,
  // "Max <max@example.com> schrieb am Fr., 28. Apr. 2017 um 11:53 Uhr:" and the like.
  new RegExp(`<[^<>\\s]+@[^<>\\s]+>.*(?<!\\p{L})(?:wrote|a écrit|schrieb|schreef|escribió|escreveu|skrev|napisał|написал|пише)(?!\\p{L}).*:\\s*$`, 'iu'),
  /^[ \t>]*.{3,}写道[：:][ \t]*$/u,
  // A date (and time, or an address) opening a line: "2016-03-03 17:21 GMT+01:00 Some One", "2013/7/20 sam <a@b>".
  /^[ \t>]*\d{4}[-/]\d{1,2}[-/]\d{1,2}[ \t]+(?:\d{1,2}:\d{2}\b.*|.*<[^<>\s]+@[^<>\s]+>:?[ \t]*)$/u,
  /^[ \t>]*.{3,}\bwrote\s*:[ \t]*$/iu,
];

/** Header lines of a quoted mail (Outlook "De : … Envoyé : …" and its siblings). */
const HEADER_NAMES = [
  'from', 'sent', 'to', 'cc', 'bcc', 'subject', 'date', 'reply-to',
  'de', 'envoyé', 'envoyé par', 'à', 'a', 'objet', 'date d[’\']envoi',
  'von', 'gesendet', 'an', 'betreff', 'datum',
  'van', 'verzonden', 'aan', 'onderwerp',
  'da', 'inviato', 'oggetto', 'data', 'risposta',
  'enviado', 'para', 'asunto', 'assunto', 'fecha',
  'från', 'skickat', 'till', 'ämne', 'fra', 'sendt', 'til', 'emne',
  'od', 'wysłano', 'do', 'temat',
  'от', 'отправлено', 'кому', 'тема', 'дата', 'від', 'надіслано',
  '发件人', '发送时间', '收件人', '主题', '寄件者', '日期', '收件者',
];
export const HEADER = new RegExp(`^[ \\t]*\\*?(?:${HEADER_NAMES.join('|')})\\*?[ \\t]*[:：][ \\t]*\\*?[ \\t]*\\S`, 'iu');

export const QUOTE = /^[ \t]*(?:>|[\p{L}]{1,20}>(?:\s|$))/u;

/** Starts of multi-line introductions, joined to one line before classifying ("On Mon …\n… wrote:"). */
const MARKER_WORDS = 'wrote|a écrit|schrieb|schreef|geschreven|ha scritto|escribió|escreveu|skrev|pisze|napisał|написал|написав|пише';
/** A line opening an introduction: "On/Le/Am… <date>", a date, or a line already naming the marker word. */
export const EMBEDDED_START = new RegExp(`^[ \\t>-]*(?:(?:on|le|am|op|el|em|den|il|w dniu)\\s\\S|\\d{1,4}[-./ ]\\S)|(?<!\\p{L})(?:${MARKER_WORDS})(?!\\p{L})`, 'iu');
/** The line closing it: the marker word (or, after one, anything) and a colon. */
export const EMBEDDED_END = new RegExp(`(?:(?<!\\p{L})(?:${MARKER_WORDS})(?!\\p{L})[^\\n]{0,80}|@[^\\s<>]+>)\\s*:[ \\t-]*$`, 'iu');
export const ENDS_WITH_COLON = /:[ \t-]*$/;
export const HAS_MARKER_WORD = new RegExp(`(?<!\\p{L})(?:${MARKER_WORDS})(?!\\p{L})`, 'iu');
