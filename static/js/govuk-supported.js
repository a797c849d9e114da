// Loaded as a classic, blocking script as the first thing in <body> (base.html), so the classes
// are on <body> before anything renders. This is GOV.UK Frontend's template snippet, kept out of
// an inline <script> so the Content-Security-Policy needs no 'unsafe-inline'.
document.body.className +=
  ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')
