/** Line icons as inline SVG (24×24, stroke = currentColor): no icon font or emoji font needed. */
const PATHS = {
  pen: 'M4 20l4.5-1L19 8.5 15.5 5 5 15.5 4 20z M13.5 7l3.5 3.5',
  eraser: 'M9 20h11 M4.7 14.7l9.6-9.6a1.5 1.5 0 0 1 2.1 0l3.5 3.5a1.5 1.5 0 0 1 0 2.1L11 19.6H9.6l-4.9-4.9z M9 10.4l4.6 4.6',
  undo: 'M9 14L4 9l5-5 M4 9h10.5a5.5 5.5 0 0 1 0 11H11',
  redo: 'M15 14l5-5-5-5 M20 9H9.5a5.5 5.5 0 0 0 0 11H13',
  trash: 'M4 7h16 M10 11v6 M14 11v6 M6 7l1 13h10l1-13 M9 7V4h6v3',
  image: 'M4 5h16v14H4z M4 16l5-5 4 4 2.5-2.5L20 17 M15.5 9.5h.01',
  save: 'M12 4v11 M7 10l5 5 5-5 M5 20h14',
  sound: 'M4 9h4l5-4v14l-5-4H4z M16.5 9a4 4 0 0 1 0 6 M19 6.5a8 8 0 0 1 0 11',
  mute: 'M4 9h4l5-4v14l-5-4H4z M16 9.5l5 5 M21 9.5l-5 5',
  flag: 'M5 21V4 M5 4h12l-2.5 4L17 12H5',
  skip: 'M5 5l9 7-9 7z M18 5v14',
  next: 'M4 12h15 M13 6l6 6-6 6',
  retry: 'M20 12a8 8 0 1 1-2.4-5.7 M20 4v5h-5',
  back: 'M20 12H5 M11 6l-6 6 6 6',
  palette: 'M12 3a9 9 0 1 0 0 18c1.1 0 1.5-.8 1.5-1.6 0-1.2-1-1.6-1-2.6 0-.9.7-1.6 1.6-1.6H16a5 5 0 0 0 5-5c0-4-4-7.2-9-7.2z M7.5 11h.01 M10 7.5h.01 M14.5 7.5h.01',
  eye: 'M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6z',
} as const;

export type IconName = keyof typeof PATHS;

const SVG_NS = 'http://www.w3.org/2000/svg';

export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '20');
  svg.setAttribute('height', '20');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', PATHS[name]);
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', 'currentColor');
  path.setAttribute('stroke-width', '2');
  path.setAttribute('stroke-linecap', 'round');
  path.setAttribute('stroke-linejoin', 'round');
  svg.append(path);
  return svg;
}
