/**
 * `npm run uninstall-system [-- --prefix P]`: removes a system install made by install-system.ts:
 * its kernel spec (the folder its record names, only while the spec still runs this prefix's
 * launcher) and the prefix itself. The shared results cache is left alone: it is the class's work.
 * A folder without an install record is refused, so a wrong --prefix deletes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultPrefix, installedLauncher, readRecord, recordFile } from './layout';

export function uninstallSystem(prefixOption = defaultPrefix, log = (line: string) => console.log(line)): void {
  const prefix = path.resolve(prefixOption);
  const record = readRecord(prefix);
  if (!record) throw new Error(`${prefix} holds no Descent Lab install (no ${recordFile(prefix)}); nothing removed.`);
  const specFile = path.join(record.kernelSpecDir, 'kernel.json');
  try {
    const spec = JSON.parse(fs.readFileSync(specFile, 'utf8')) as { argv?: string[] };
    if (spec.argv?.includes(installedLauncher(prefix))) {
      fs.rmSync(record.kernelSpecDir, { recursive: true, force: true });
      log(`removed the kernel spec ${record.kernelSpecDir}`);
    } else {
      log(`left ${specFile} alone: it runs another install now`);
    }
  } catch {
    log(`no kernel spec at ${specFile}`);
  }
  fs.rmSync(prefix, { recursive: true, force: true });
  log(`removed ${prefix}${record.cacheDir ? `; the shared results cache ${record.cacheDir} is kept` : ''}`);
}

if (require.main === module) {
  try {
    const argv = process.argv.slice(2);
    if (argv.length && (argv[0] !== '--prefix' || argv.length !== 2)) throw new Error('Usage: npm run uninstall-system [-- --prefix P]');
    uninstallSystem(argv[1]);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
