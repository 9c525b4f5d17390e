// Where the Masthead API answers. Empty: the same origin as these pages, which is how
// `masthead serve --site examples/signal-site` serves them. Served by anything else (a
// static server on another port, a CDN), set the API's origin here, for example
// "http://localhost:8080"; Masthead's CORS answers any origin for public reads by default.
export const API_BASE = "";
