/**
 * One shape per station state, so state is never told by colour alone: the same SVG path draws the map's icons (on a
 * canvas, through Path2D) and the legend's symbols (as <svg>). Every shape is filled at its centre, so the colour under a
 * station's exact position is its state's colour.
 */
import { STATION_STATE_COLOURS, type StationState } from '../../../../shared/station-state';

/** Shapes are drawn in a 24 × 24 box. */
export const SHAPE_BOX = 24;

export const STATE_SHAPE_PATHS: Readonly<Record<StationState, string>> = {
  // Warning triangle.
  critical: 'M12 1.5 L23 21.5 L1 21.5 Z',
  // Diamond.
  serious: 'M12 1 L23 12 L12 23 L1 12 Z',
  // Square.
  bad_assessment: 'M3 3 H21 V21 H3 Z',
  // Five-pointed star: a team is there now.
  present: 'M12 1 L14.9 8.6 L23 9 L16.7 14.1 L18.8 22 L12 17.6 L5.2 22 L7.3 14.1 L1 9 L9.1 8.6 Z',
  // Downward triangle.
  minor: 'M1.5 3 L22.5 3 L12 22 Z',
  // Circle.
  visited: 'M12 3 A9 9 0 1 1 11.99 3 Z',
  // Small circle.
  never_visited: 'M12 6 A6 6 0 1 1 11.99 6 Z',
};

/** Inner marks that set shapes of similar outline apart (visited: a white ring inside the circle). */
export const STATE_SHAPE_MARKS: Readonly<Partial<Record<StationState, string>>> = {
  visited: 'M12 6.5 A5.5 5.5 0 1 1 11.99 6.5 Z',
};

export const OUTLINE_COLOUR = '#1f1f1f';

export function iconName(state: StationState): string {
  return `vigil-state-${state}`;
}

/** The icon of one state as pixels, `pixelRatio` times the 24 px box, for map.addImage. */
export function stateIconImage(state: StationState, pixelRatio: number): ImageData {
  const size = Math.ceil(SHAPE_BOX * pixelRatio);
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('no 2D canvas');
  context.scale(pixelRatio, pixelRatio);
  const shape = new Path2D(STATE_SHAPE_PATHS[state]);
  context.fillStyle = STATION_STATE_COLOURS[state];
  context.fill(shape);
  context.lineWidth = 1.6;
  context.lineJoin = 'round';
  context.strokeStyle = OUTLINE_COLOUR;
  context.stroke(shape);
  const mark = STATE_SHAPE_MARKS[state];
  if (mark !== undefined) {
    context.lineWidth = 1.8;
    context.strokeStyle = '#ffffff';
    context.stroke(new Path2D(mark));
  }
  return context.getImageData(0, 0, size, size);
}

/** A team's marker: a dark rounded square with a white person glyph, told apart from every station shape. */
export const TEAM_ICON = 'vigil-team';
export function teamIconImage(pixelRatio: number): ImageData {
  const size = Math.ceil(SHAPE_BOX * pixelRatio);
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('no 2D canvas');
  context.scale(pixelRatio, pixelRatio);
  context.fillStyle = '#1d2633';
  context.strokeStyle = '#ffffff';
  context.lineWidth = 1.5;
  context.beginPath();
  context.roundRect(2, 2, 20, 20, 5);
  context.fill();
  context.stroke();
  context.fillStyle = '#ffffff';
  context.beginPath();
  context.arc(12, 8.5, 3.2, 0, Math.PI * 2);
  context.fill();
  context.beginPath();
  context.moveTo(5.5, 19);
  context.quadraticCurveTo(12, 9.5, 18.5, 19);
  context.closePath();
  context.fill();
  return context.getImageData(0, 0, size, size);
}
