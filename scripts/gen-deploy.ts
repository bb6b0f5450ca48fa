// `npm run deploy`: writes deploy/podpath.yaml and deploy/kustomization.yaml from the manifest
// builders (the same objects `podpath cluster install` applies).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderDeployFiles } from '../src/app/cluster/deploy-files.js';
// @ts-expect-error a plain .mjs script without types
import { version } from './bundle-options.mjs';

const dir = fileURLToPath(new URL('../deploy/', import.meta.url));
const files = renderDeployFiles(version as string);
for (const [name, text] of Object.entries(files)) writeFileSync(dir + name, text);
process.stdout.write(`wrote ${Object.keys(files).join(', ')} to deploy/\n`);
