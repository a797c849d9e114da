// Loaded with <script type="module"> at the end of <body> (base.html). Browsers that cannot run
// modules skip it and get the no-JavaScript version of every component.
// The import is relative to this file, so it works under any STATIC_URL and with hashed names.
import { initAll } from '../govuk/govuk-frontend.min.js'

initAll()
