// Runs first in <body>: tells GOV.UK Frontend's CSS that its JavaScript will run (an external file, because the
// Content Security Policy forbids inline scripts).
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
