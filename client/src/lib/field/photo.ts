/**
 * Photos are shrunk on the phone before they wait in the outbox: a 12-megapixel camera picture becomes a JPEG of a few
 * hundred kilobytes that goes through a weak mobile link and stays well under the server's limit.
 */
import { MAX_PHOTO_BYTES, PHOTO_MAX_EDGE_PX } from '../../../../shared/constants';

const JPEG_QUALITIES = [0.8, 0.65, 0.5];

export interface PreparedPhoto {
  blob: Blob;
  contentType: 'image/jpeg';
  width: number;
  height: number;
}

async function encode(bitmap: ImageBitmap, width: number, height: number, quality: number): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser cannot draw images');
  context.drawImage(bitmap, 0, 0, width, height);
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('the photo could not be encoded'))),
      'image/jpeg',
      quality,
    );
  });
}

export async function preparePhoto(file: Blob): Promise<PreparedPhoto> {
  // createImageBitmap applies the camera's EXIF orientation, so the picture is upright.
  const bitmap = await createImageBitmap(file);
  try {
    let edge = PHOTO_MAX_EDGE_PX;
    for (;;) {
      const scale = Math.min(1, edge / Math.max(bitmap.width, bitmap.height));
      const width = Math.max(1, Math.round(bitmap.width * scale));
      const height = Math.max(1, Math.round(bitmap.height * scale));
      for (const quality of JPEG_QUALITIES) {
        const blob = await encode(bitmap, width, height, quality);
        if (blob.size <= MAX_PHOTO_BYTES) return { blob, contentType: 'image/jpeg', width, height };
      }
      edge = Math.round(edge * 0.7);
      if (edge < 320) throw new Error('the photo stays too large even when shrunk');
    }
  } finally {
    bitmap.close();
  }
}
