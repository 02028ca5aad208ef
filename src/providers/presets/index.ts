/** OpenAI-compatible presets (`type: groq`, `deepseek`, …) and their built-in model catalog. */
export { presets, PRESET_DEFS } from './hosts.js';
export { PRESET_CATALOG, presetCatalog, type CatalogModel, type PresetCatalog } from './catalog.js';
