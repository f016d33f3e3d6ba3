/**
 * Themes: a trained generator packaged for the browser.
 *
 *   <theme>/theme.json      ThemeJson below (config, direction, weights, training, metrics)
 *   <theme>/model.json      standard TensorFlow.js layers format (topology + weights manifest)
 *   <theme>/group1-shard*   weight bytes (float32, float16 or uint8/uint16 quantized)
 *   <theme>/preview.png, gallery/…
 *
 * `readTheme` fetches and validates everything BEFORE any tensor exists:
 * theme.json fields and types, the model config, the manifest's weight names
 * and shapes against what `buildGenerator(config)` would create (computed
 * without building it), sizes within limits, byte lengths. Every failure is a
 * `ThemeError` with a `code`, the file it concerns and a sentence saying what is
 * wrong. Nothing from a theme is executed: JSON is parsed, never evaluated.
 *
 * Sources: a URL (string or URL; uses `fetch`) or a `ThemeReader` function
 * (Node passes one that reads a folder: trainer/themes/folderSource.ts).
 * No DOM or Node APIs here.
 *
 * Parts: theme/schema.ts (theme.json), theme/manifest.ts (model.json checks),
 * theme/sources.ts (URL or reader; readTheme), theme/load.ts (loadTheme).
 *
 * The names, one per stage: ThemeJson (theme.json as written), ThemeFiles
 * (everything read and checked, no tensors), LoadedTheme (the built model),
 * ThemeIndex/ThemeIndexEntry (index.json as written) and IndexedTheme (an entry
 * resolved to absolute URLs) in themeIndex.ts; themeFolderUrl is the one rule
 * for where a theme lives. Outside shared/: the game's ThemeDetail (what its
 * menu read before loading) and the live canvas's ThemeInfo (its public summary
 * of the loaded theme, part of the widget API).
 */
export * from './theme/schema';
export * from './theme/sources';
export * from './theme/load';
