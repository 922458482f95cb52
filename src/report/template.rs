//! Where a finding in a chart's render comes from.

/// For a finding in a `helm template` render: the template file it came from, on disk
/// (`# Source: chart/templates/x.yaml` under the chart's directory). Code scanning and pull
/// request annotations can attach to it; the render itself is no file.
pub(crate) fn template_file(
    d: &crate::diagnostic::Diagnostic,
    sources: &crate::source::SourceMap,
) -> Option<String> {
    let chart = sources.get(d.span.file).chart.as_deref()?;
    let template = d.template.as_deref()?;
    let (_, inside) = template.split_once('/')?;
    Some(format!("{}/{inside}", chart.trim_end_matches('/')))
}
