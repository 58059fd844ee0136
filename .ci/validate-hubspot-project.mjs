// Parses deploy/hubspot/ with HubSpot's own project parser
// (@hubspot/project-parsing-lib), the code `hs project upload` runs before it
// uploads. Offline checks only: hsproject.json, the platform version, every
// *-hsmeta.json file (JSON, uid, type, config, the app component the others
// depend on) and each component's directory. The component schemas themselves
// are fetched from a HubSpot account at upload time, so they are not checked
// here. Run from a directory whose node_modules holds the library:
//   node validate-hubspot-project.mjs PROJECT_DIR
import fs from 'node:fs';
import path from 'node:path';

import {
  LATEST_SUPPORTED_PLATFORM_VERSION,
  isKnownPlatformVersion,
  parseProjectConfig,
} from '@hubspot/project-parsing-lib/projects';
import { Components } from '@hubspot/project-parsing-lib/constants';
import { translateForLocalDev } from '@hubspot/project-parsing-lib/translate';
import { mapToUserFacingType } from '@hubspot/project-parsing-lib/transform';
import { validateUid } from '@hubspot/project-parsing-lib/uid';

const projectDir = path.resolve(process.argv[2] ?? 'deploy/hubspot');
const problems = [];

let config;
try {
  config = parseProjectConfig(projectDir);
} catch (error) {
  console.error(`hsproject.json: ${error.message}`);
  process.exit(1);
}
if (!isKnownPlatformVersion(config.platformVersion)) {
  problems.push(
    `hsproject.json: unknown platformVersion ${config.platformVersion} ` +
      `(latest known: ${LATEST_SUPPORTED_PLATFORM_VERSION})`,
  );
}

const sourceDir = path.join(projectDir, config.srcDir);

// Every *-hsmeta.json file, as the parser names them (relative, POSIX).
function metaFiles(dir, prefix = '') {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      return entry.name === 'node_modules' ? [] : metaFiles(path.join(dir, entry.name), relative);
    }
    return entry.name.endsWith('-hsmeta.json') ? [relative] : [];
  });
}

// The parser reports a file's errors (invalid JSON, missing fields, a
// component without its app) only for components it saw at a previous
// upload; one stand-in per file makes it report them all.
const standIns = Object.fromEntries(
  metaFiles(sourceDir).map(file => [
    `stand-in:${file}`,
    { uid: `stand-in:${file}`, metaFilePath: file, config: {}, localDev: { parsingErrors: [] } },
  ]),
);
let translated;
try {
  translated = await translateForLocalDev(
    { projectSourceDir: sourceDir, platformVersion: config.platformVersion },
    { projectNodesAtLastUpload: standIns },
  );
} catch (error) {
  console.error(`${projectDir}: ${error.message}`);
  process.exit(1);
}
const { intermediateRepresentation, skippedHsMetaFiles } = translated;
for (const file of skippedHsMetaFiles) {
  problems.push(`${file}: skipped by the parser`);
}
const all = Object.values(intermediateRepresentation.intermediateNodesIndexedByUid);
for (const standIn of all.filter(node => node.uid in standIns)) {
  for (const error of standIn.localDev.parsingErrors ?? []) {
    problems.push(`${standIn.metaFilePath}: ${error}`);
  }
}
const nodes = all.filter(node => !(node.uid in standIns));
if (nodes.length === 0) {
  problems.push('no *-hsmeta.json component found');
}
for (const node of nodes) {
  const file = node.metaFilePath;
  for (const error of node.localDev.parsingErrors) {
    problems.push(`${file}: ${error}`);
  }
  const uidError = validateUid(node.uid);
  if (uidError) {
    problems.push(`${file}: ${uidError}`);
  }
  if (!node.config || typeof node.config !== 'object') {
    problems.push(`${file}: no config object`);
  }
  const type = mapToUserFacingType(node.componentType);
  const component = Components[type];
  if (!component) {
    problems.push(`${file}: unknown component type ${JSON.stringify(type)}`);
    continue;
  }
  const parentDir = component.parentComponent ? Components[component.parentComponent].dir : '';
  const expected = path.join(parentDir, component.dir);
  if (path.dirname(file) !== expected) {
    problems.push(`${file}: a ${type} component belongs in ${expected}/`);
  }
}

if (problems.length > 0) {
  for (const problem of problems) {
    console.error(problem);
  }
  process.exit(1);
}
const summary = nodes.map(node => `${mapToUserFacingType(node.componentType)} ${node.uid}`);
console.log(`hubspot project ok (platform ${config.platformVersion}): ${summary.join(', ')}`);
