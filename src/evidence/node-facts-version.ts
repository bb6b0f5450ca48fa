// The schema version of NodeFacts (node-facts.ts), apart from the schemas: the rule engine needs
// the number without building them.
/**
 * 3: `missing[]` entries carry a code and data (see missing-reasons.ts).
 * 2: probe entries hold measurements only (sender, devices, send errors; no verdict).
 * Facts of schema 1 and 2 are read through the upgrades (`upgradeNodeFacts` for `missing`,
 * ProbeEvidence for probes): see CHANGELOG.md.
 */
export const NODE_FACTS_SCHEMA_VERSION = 3;
