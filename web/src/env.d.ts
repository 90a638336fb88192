// Module kinds Vite resolves that TypeScript does not know: stylesheets and `?raw` text imports.
declare module '*.css';
declare module '*?raw' {
  const text: string;
  export default text;
}
