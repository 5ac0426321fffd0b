/** Vite bundles `?worker&url` imports as a separate script and returns its URL (capture.ts). */
declare module '*?worker&url' {
  const url: string;
  export default url;
}

/** Stylesheets imported for their side effect; Vite emits them as files (CSP: style-src 'self'). */
declare module '*.css';
