// The whole public API under one import, for apps: `import KerasLens`. Each part is also its own module
// (README's Layout), so a tool that only reads files or only runs native models links only what it needs.
@_exported import KerasLensGraph
@_exported import KerasLensH5Reader
@_exported import KerasLensImages
@_exported import KerasLensKeras
@_exported import KerasLensNative
@_exported import KerasLensONNX
@_exported import KerasLensRuntime
@_exported import KerasLensXAI
