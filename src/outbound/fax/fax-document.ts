import PDFDocument from 'pdfkit';

/**
 * The fax page: the rendered fax template as an A4 PDF in a large, plain font (fax machines print
 * at low resolution). Standard fonts with WinAnsi encoding cover French accents.
 */
export function faxPdf(text: string, title: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: title, Author: 'Relais' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const [first, ...rest] = text.split('\n');
  doc.font('Helvetica-Bold').fontSize(16).text(first ?? '');
  doc.moveDown(0.5).font('Helvetica').fontSize(13).text(rest.join('\n'), { lineGap: 3 });
  doc.end();
  return done;
}
