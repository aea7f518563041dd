// The widget's own colours for each scheme, before the shop's options.
// Every text/background pair drawn from these is checked at AA by
// tests/node/theme-contrast.test.mjs; keep that true when editing.
//
//   ink    body text      (on surface and soft)
//   muted  secondary text (on surface and soft)
//   danger error text     (on surface)
//   line   hairlines and control borders (decorative, not text)

export const PALETTES = {
  light: {
    surface: '#ffffff',
    soft: '#f1f3f7',
    ink: '#1c1f26',
    muted: '#555c69',
    danger: '#b42318',
    line: 'rgba(16, 24, 40, .14)',
  },
  dark: {
    surface: '#17191f',
    soft: '#272b34',
    ink: '#eceef2',
    muted: '#a9b0bd',
    danger: '#ff9b8f',
    line: 'rgba(255, 255, 255, .16)',
  },
};

// The pairs a theme must keep readable: [foreground var, background var].
// accent-ink on accent: the header, the shopper's bubbles, Send, launcher;
// link on soft and surface: links in replies, "Retry now".
export const TEXT_PAIRS = [
  ['ink', 'surface'], ['ink', 'soft'], ['muted', 'surface'], ['muted', 'soft'],
  ['danger', 'surface'], ['accent-ink', 'accent'], ['link', 'surface'], ['link', 'soft'],
];
