// Preloaded by bench:large into `npm run report` (node --require): at exit, writes this process's own peak resident
// set (getrusage RUSAGE_SELF, every thread, kilobytes) to the file named by BENCH_PEAK_RSS_FILE. GNU time's figure is
// the largest process of the command, which can be a Chromium process the report waited for; this one is Node's alone.
'use strict';
const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) process.on('exit', () => require('node:fs').writeFileSync(file, String(process.resourceUsage().maxRSS)));
