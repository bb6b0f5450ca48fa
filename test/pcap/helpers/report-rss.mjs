// Preloaded into a child podpath (`node --import tsx --import this`): writes the process's peak
// resident set size (KiB, process.resourceUsage().maxRSS) to $PODPATH_TEST_RSS_FILE at exit, so
// memory tests need no GNU time.
import { writeFileSync } from 'node:fs';

const file = process.env.PODPATH_TEST_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
