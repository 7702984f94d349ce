// How every browser check in this repo starts Chromium: Debian's build (never a downloaded one),
// headless, as root (hence --no-sandbox), with the background services that this closed network
// would refuse switched off. One place, so a flag fix reaches all suites.
export const chromiumPath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Launch options for playwright-core's `chromium.launch` and WTR's `chromeLauncher`. */
export const chromiumLaunchOptions = () => ({ executablePath: chromiumPath, headless: true, args: [...chromiumArgs] });
