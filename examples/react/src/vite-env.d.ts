/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The portal server's origin, e.g. `https://portal.example.com`. */
  readonly VITE_DODO_PORTAL_URL?: string;
}
