// Loaded with <script type="module"> at the end of <body> (base.html). Browsers that cannot run
// modules skip it and get the no-JavaScript version of every component.
// The imports are relative to this file, so they work under any STATIC_URL and with hashed names.
import { initAll } from '../govuk/govuk-frontend.min.js'
import { initSettingSearch } from './setting-search.js'

initAll()
initSettingSearch()
