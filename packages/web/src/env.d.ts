/** Vite's `?inline` CSS imports: the stylesheet as a string (the widgets put it in their shadow roots). */
declare module "*.css?inline" {
  const css: string;
  export default css;
}
