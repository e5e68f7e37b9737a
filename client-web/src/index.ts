export { GdnWebProvider, type GdnStatus } from './provider.js';
export type { CacheMode, ChangeDetection, GdnWebProviderOptions, Platform, TierConfig, TierKind } from './config.js';
