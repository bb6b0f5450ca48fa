declare const __PODPATH_VERSION__: string | undefined;

/** Injected by the bundler; the compiled package reads package.json instead. */
export const VERSION: string = typeof __PODPATH_VERSION__ === 'string' ? __PODPATH_VERSION__ : '0.0.0-dev';
