/**
 * `npm run student`: writes the student edition of every notebook in notebooks/ to out/student/:
 * each solution region (`// BEGIN SOLUTION` ... `// END SOLUTION`) replaced by a stub that throws
 * "not implemented yet", outputs and execution counts cleared. The check cells stay, so a student
 * who runs the edition sees each check fail until the code above it is written.
 *
 * Usage:
 *   npm run student                       notebooks/*.ipynb -> out/student/*.ipynb
 *   npm run student -- --out DIR          write to DIR instead
 *   npm run student -- --notebooks DIR    read the notebooks of DIR instead
 * A malformed region stops it with the notebook, the cell and the line named, and exit status 1.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultOutDir, notebooksDir } from './jupyter/paths';
import { writeStudentEdition } from './student/student-edition';

/** Where `npm run student` writes by default. */
export const defaultStudentDir = path.join(defaultOutDir, 'student');

function parseArgs(argv: string[]): { outDir: string; notebooksDir: string } {
  const options = { outDir: defaultStudentDir, notebooksDir };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag !== '--out' && flag !== '--notebooks') {
      throw new Error(`Unknown argument ${flag}; use --out DIR or --notebooks DIR.`);
    }
    if (!value) throw new Error(`${flag} needs a folder, e.g. \`${flag} out/student\`.`);
    options[flag === '--out' ? 'outDir' : 'notebooksDir'] = path.resolve(value);
    i++;
  }
  return options;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const notebooks = fs.readdirSync(options.notebooksDir).filter((name) => name.endsWith('.ipynb')).sort();
  if (notebooks.length === 0) throw new Error(`No .ipynb notebook in ${options.notebooksDir}.`);
  for (const name of notebooks) {
    const { path: written, report } = writeStudentEdition(path.join(options.notebooksDir, name), options.outDir);
    const regions = report.solutionCells.reduce((sum, cell) => sum + Math.max(cell.regions.length, 1), 0);
    console.log(`${path.relative(process.cwd(), written)}: ${plural(regions, 'solution region')} in ` +
      `${plural(report.solutionCells.length, 'solution cell')}, ${plural(report.checkCells.length, 'check cell')}`);
  }
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
