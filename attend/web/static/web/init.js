// Loaded as an ES module: starts GOV.UK Frontend's components (skip link, service navigation, details...).
import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();
