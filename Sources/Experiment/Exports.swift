/// The files a run writes (`Results`, `Manifest`, `ResultTable`) are defined once in Artifacts, where the report
/// reads them; chapter programs get them with `import Experiment`, as before they moved.
@_exported import Artifacts
