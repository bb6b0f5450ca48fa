// The catalogue API lives in util/i18n.ts (the lowest layer, so sources and evidence can render
// reasons too); re-exported here for the engine's callers.
export { formatMessage, placeholdersOf, unfilledPlaceholders, resolveLang, t, type MessageData } from '../util/i18n.js';
