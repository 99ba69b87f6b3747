/** Tailwind CSS v4 is wired in through its PostCSS plugin. */
const config = {
  plugins: {
    '@tailwindcss/postcss': {},
  },
};

export default config;
