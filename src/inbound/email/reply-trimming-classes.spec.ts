import { describe, expect, it } from '@jest/globals';
import { buildMail } from '../../../test/fixtures/mail/builder.js';
import { parseMail } from './parse-mail.js';
import { replyText } from './reply-text.js';
import { trimReply } from './reply-trimmer.js';

/**
 * The failure classes of reply trimming, each with replies written for this spec: what the person
 * wrote must come out whole (nothing lost), and only history, footers and signatures go.
 */
const INTRO = 'Le mar. 24 nov. 2026 à 09:12, Permanence du Centre <accueil@permanence.test> a écrit :';

describe('reply trimming: the body is not history', () => {
  it.each([
    ['a line of dashes under a total', 'Voici le détail :\n\nDéplacement   40 €\nMain-d’œuvre  80 €\n--------------------\nTotal        120 €\n\nCordialement,\nM. Martin'],
    ['a rule of equals between two sections', 'Matin\n==========\nFuite réparée.\n\nAprès-midi\n==========\nChauffe-eau contrôlé.'],
    ['a dated line in the body', 'Rendez-vous confirmé :\n2026-12-08 14:30 chez Mme Petit\n12/12/2026 : deuxième passage\n\nMerci'],
    ['a sentence opening with "Le … :"', 'Le 8 décembre à 14 h, le technicien passera :\nmerci de laisser la porte ouverte.'],
    ['a French sentence opening with "De :"', 'De : 9 h à 12 h je suis absente.\nÀ : vous de voir pour l’après-midi.\n\nMerci'],
    ['"Objet :" alone in the body', 'Merci\nObjet : votre attestation\nVoici l’attestation demandée.'],
    ['a list of dashed items', 'À prévoir :\n\n- Pierre\n\n- Paul\n\nMerci'],
    ['"X a écrit :" quoting nobody', 'Mon voisin a écrit :\nil faut couper l’eau avant.\n\nEst-ce vrai ?'],
  ])('keeps %s', (_, text) => {
    expect(trimReply(text)).toMatchObject({ text, trimmed: false });
  });

  it('keeps a contact paragraph the person announces ("Mes coordonnées :")', () => {
    const text = 'Bonjour,\n\nMes nouvelles coordonnées :\n\nJean Martin\n06 12 34 56 78\njean.martin@example.fr\nwww.martin-plomberie.fr';
    expect(trimReply(text).text).toBe(text);
  });
});

describe('reply trimming: inline answers', () => {
  it('keeps what the person wrote between and after quoted blocks, the quotes as context', () => {
    const text = `Bonjour,\n\n${INTRO}\n> Pouvez-vous passer mardi ?\nOui, mardi 10 h.\n> Et la clé ?\nJe la laisse chez la voisine.\n\nCordialement,\nJean`;
    expect(trimReply(text).text).toBe(
      'Bonjour,\n\n> Pouvez-vous passer mardi ?\nOui, mardi 10 h.\n> Et la clé ?\nJe la laisse chez la voisine.\n\nCordialement,\nJean',
    );
  });

  it('keeps the sign-off written under the quote', () => {
    const text = `Merci pour le message.\n\n${INTRO}\n\n> Mme Petit a appelé.\n\nCordialement,\nDr Durand`;
    const { text: kept } = trimReply(text);
    expect(kept).toContain('Merci pour le message.');
    expect(kept).toContain('Cordialement,\nDr Durand');
    expect(kept).not.toContain('a écrit');
  });

  it('drops the history a bottom-poster answers under, and a quote left at the end', () => {
    expect(trimReply(`${INTRO}\n\n> Mme Petit a appelé.\n> Elle rappellera.\n\nJe la rappelle ce soir.`).text).toBe('Je la rappelle ce soir.');
    expect(trimReply(`Je la rappelle ce soir.\n\n> Mme Petit a appelé.\n> Elle rappellera.`).text).toBe('Je la rappelle ce soir.');
  });
});

describe('reply trimming: introductions however they are written', () => {
  it.each([
    ['sharing its line with the reply', `Parfait, merci ! ${INTRO}\n> Mme Petit a appelé.`, 'Parfait, merci !'],
    ['wrapped before "écrit :" (Gmail on Android)', 'Ok pour jeudi.\n\nLe mar. 24 nov. 2026 à 09:12, Permanence du Centre <accueil@permanence.test> a\nécrit :\n\n> Mme Petit a appelé.', 'Ok pour jeudi.'],
    ['broken over three lines with the address alone', 'Message reçu.\n\nLe 2 févr. 2026 à 09:10,\naccueil@permanence.test\na écrit :\n\n\nMme Petit a appelé.', 'Message reçu.'],
    ['in German with the address and date after the verb', 'Danke.\n\nMax <max@example.de> schrieb am Fr., 28. Apr. 2026 um 11:53 Uhr:\n\nHallo', 'Danke.'],
    ['in Romanian', 'Mulțumesc.\n\nmar., 7 mai 2026, 07:09 Ion <ion@example.ro> a scris:\n\nBună', 'Mulțumesc.'],
    ['in Russian, dated first', 'Спасибо.\n\n27.01.2026 12:00, Артур <artur@example.ru> пишет:\n> Тест', 'Спасибо.'],
    ['with no quote under it: the history unquoted', `C'est noté.\n\n${INTRO}\n\nMme Petit a appelé.\nElle rappellera.`, "C'est noté."],
  ])('cuts an introduction %s', (_, text, expected) => {
    expect(trimReply(text).text).toBe(expected);
  });
});

describe('reply trimming: separators and footers of mail programs', () => {
  it.each([
    ['Zimbra / Free', '----- Mail original -----'],
    ['Outlook FR', '-----Message d\'origine-----'],
    ['Outlook EN', '-----Original Message-----'],
    ['Outlook DE', '-----Ursprüngliche Nachricht-----'],
    ['Outlook IT', '---------- Messaggio originale ----------'],
    ['Outlook ES', '----- Mensaje original -----'],
    ['bold, as a web client pastes it', '*-------- Original Message --------*'],
  ])('cuts at the %s separator', (_, separator) => {
    expect(trimReply(`Bien reçu.\n\n${separator}\nDe : Permanence\nObjet : Appel\n\nMme Petit a appelé.`).text).toBe('Bien reçu.');
  });

  it.each([
    'Envoyé de mon iPhone',
    'Envoyé depuis Yahoo Mail pour Android',
    'Envoyé à partir de Outlook pour Android',
    'Gesendet mit der mobilen Mail App',
    'Inviato da iPhone',
    'Enviado desde mi iPhone',
    'Enviado do meu iPhone',
    'Verzonden vanuit Outlook voor iOS',
    'Obtenir Outlook pour Android',
  ])('removes the footer "%s"', (footer) => {
    expect(trimReply(`Je m'en occupe.\n\n${footer}`).text).toBe("Je m'en occupe.");
  });

  it('cuts an Outlook header block written with bold names, one value per line or split', () => {
    expect(trimReply('Merci\n\n*De :* Permanence <accueil@permanence.test>\n*Envoyé :* mardi 24 novembre 2026 09:12\n*À :* Cabinet\n*Objet :* Appel\n\nTexte').text).toBe('Merci');
    expect(trimReply('Ceci est ma réponse\nDe:\naccueil@permanence.test\nDate:\n3 mars 2026 à 16:42:50\nBonjour').text).toBe('Ceci est ma réponse');
  });

  it('cuts a signature block of contact details, and one naming the sender', () => {
    const block = 'Merci, à mardi.\n\nJean Martin\nPlombier chauffagiste\nTél : 04 72 00 00 00\nFax : 04 72 00 00 01\njean.martin@example.fr\nwww.martin-plomberie.fr';
    expect(trimReply(block).text).toBe('Merci, à mardi.');
    const named = 'Merci, à mardi.\n\nM. Jean Martin\nGérant\nMartin Plomberie';
    expect(trimReply(named, { sender: { name: 'Jean Martin', address: 'jean@example.fr' } }).text).toBe('Merci, à mardi.');
    // Without the sender, three lines without contact details are not known to be a signature.
    expect(trimReply(named).text).toBe(named);
  });

  it('cuts a dash sign-off closing the mail, not a dash inside a line', () => {
    expect(trimReply('Merci.\n\n—Jean').text).toBe('Merci.');
    expect(trimReply('Le double--vitrage est posé.\n\nMerci').text).toBe('Le double--vitrage est posé.\n\nMerci');
  });
});

describe('reply trimming: forwarded mail', () => {
  const forward = '---------- Forwarded message ---------\nFrom: Plombier <plombier@example.fr>\nDate: Tue, Nov 24, 2026 at 9:12 AM\nSubject: Devis\nTo: <client@example.fr>\n\nVoici le devis : 120 €.';

  it('keeps a forwarded mail as what the person sent, apart from what they wrote above it', () => {
    const trimmed = trimReply(`Voir ci-dessous.\n\n${forward}`);
    expect(trimmed.text).toBe('Voir ci-dessous.');
    expect(trimmed.forwarded).toBe(forward);
  });

  it('shows the forwarded mail in the reply body, with or without words above it', async () => {
    const above = replyText(await parseMail(buildMail({ text: `Voir ci-dessous.\n\n${forward}` })));
    expect(above.body).toBe(`Voir ci-dessous.\n\n${forward}`);
    const alone = replyText(await parseMail(buildMail({ text: forward })));
    expect(alone.body).toBe(forward);
    expect(trimReply(forward).text).toBe('Voici le devis : 120 €.');
  });
});

describe('mail text decoding', () => {
  it('replaces only the invalid byte of a UTF-8 part, not the whole mail', async () => {
    const rawBody = Buffer.concat([Buffer.from('Très bien, à demain ', 'utf8'), Buffer.from([0xff]), Buffer.from(' merci', 'utf8')]);
    const mail = await parseMail(buildMail({ contentType: 'text/plain; charset=utf-8', rawBody }));
    expect(mail.text.trim()).toBe('Très bien, à demain \uFFFD merci');
  });

  it('decides per part: a Latin-1 part mislabelled UTF-8 is read as Latin-1, its UTF-8 sibling as UTF-8', async () => {
    const utf8 = Buffer.concat([Buffer.from('Très bien ', 'utf8'), Buffer.from([0xff])]);
    const raw = Buffer.concat([
      Buffer.from('From: client@example.fr\r\nTo: r@relais.test\r\nSubject: Re\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'),
      utf8,
      Buffer.from('\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>Caf=E9 cr=E8me</p>\r\n--b--\r\n'),
    ]);
    const mail = await parseMail(raw);
    expect(mail.text.trim()).toBe('Très bien \uFFFD');
    expect(mail.html).toContain('Café crème');
  });
});

describe('reply trimming: bounded work', () => {
  it('trims a huge mail whose history starts early, and keeps a huge text past its first lines as written', () => {
    const history = Array.from({ length: 60_000 }, (_, i) => `> ligne ${i}`).join('\n');
    expect(trimReply(`Bien reçu.\n\n${INTRO}\n${history}`).text).toBe('Bien reçu.');
    const typed = Array.from({ length: 30_000 }, (_, i) => `ligne ${i}`);
    const text = `${typed.join('\n')}\n${INTRO}\n> Mme Petit a appelé.`;
    // Nothing typed is lost: past the bound, an introduction is not looked for (it stays), quotes still go.
    expect(trimReply(text).text).toBe(`${typed.join('\n')}\n${INTRO}`);
    expect(trimReply(`${typed.slice(0, 100).join('\n')}\n${INTRO}\n> Mme Petit a appelé.`).text).toBe(typed.slice(0, 100).join('\n'));
  });
});
