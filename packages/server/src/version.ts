import packageJson from '../package.json' with { type: 'json' };

/** This package's version, as published (bundled at build time, so no file is read at run time). */
export const VERSION: string = packageJson.version;
