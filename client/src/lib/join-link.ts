/** A team's join link and its QR code, as the join panel shows it and a route sheet prints it. */
import QRCode from 'qrcode';

export interface JoinQr {
  code: string;
  link: string;
  /** The link as an SVG QR code, drawn by the qrcode library from our own link: no outside markup. */
  qrSvg: string;
}

export async function joinQr(code: string, origin: string = location.origin): Promise<JoinQr> {
  const link = `${origin}/join?code=${encodeURIComponent(code)}`;
  return { code, link, qrSvg: await QRCode.toString(link, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) };
}
