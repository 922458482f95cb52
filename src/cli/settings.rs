//! The settings of a lint run: defaults, then `.speclint.yaml`, then the command line's
//! flags on top.

use crate::cli::args::{Args, CheckArgs};
use crate::config::{self, Config, ConfigError};
use crate::diagnostic::Severity;
use crate::input;
use crate::pipeline::Options;

/// The configuration in force: `--config`, else the nearest `.speclint.yaml`, unless
/// `--no-config`.
pub(crate) fn load_config(args: &CheckArgs) -> Result<Option<Config>, ConfigError> {
    if args.no_config {
        return Ok(None);
    }
    let path = match &args.config {
        Some(path) => path.clone(),
        None => match std::env::current_dir()
            .ok()
            .and_then(|d| config::discover(&d))
        {
            Some(found) => input::relative_to_cwd(found),
            None => return Ok(None),
        },
    };
    config::load(&path).map(Some)
}

/// `--enable` and `--disable` name rules that exist and can be switched.
pub(crate) fn check_rule_flags(args: &CheckArgs) -> Result<(), String> {
    for id in args.enable.iter().chain(&args.disable) {
        if id == crate::rules::INVALID_CONFIG.id {
            return Err(format!(
                "`{id}` cannot be enabled or disabled: a configuration with mistakes is never used"
            ));
        }
        if id != "all" && crate::rules::find(id).is_none() {
            let hint = crate::suggest::closest_rule_ids(id, 1)
                .first()
                .map(|near| format!("; did you mean `{near}`?"))
                .unwrap_or_default();
            return Err(format!(
                "unknown rule `{id}`{hint} (`speclint rules` lists them)"
            ));
        }
    }
    Ok(())
}

/// The configuration's `exclude` (relative to its directory), then `--exclude`.
pub(crate) fn exclude(args: &CheckArgs, config: Option<&Config>) -> Result<input::Exclude, String> {
    let mut exclude = input::Exclude::default();
    match config {
        Some(config) => exclude.add(&config::base_dir(config), &config.exclude),
        None => Ok(()),
    }
    .and_then(|()| exclude.add(std::path::Path::new("."), &args.exclude))
    .map_err(|e| e.to_string())?;
    Ok(exclude)
}

/// `--max-input-size` over the configuration's, in bytes.
pub(crate) fn max_input_size(args: &CheckArgs, config: Option<&Config>) -> u64 {
    args.max_input_size
        .or(config.and_then(|c| c.max_input_size))
        .unwrap_or(input::DEFAULT_MAX_INPUT_SIZE)
}

/// `--fail-on` over the configuration's.
pub(crate) fn fail_on(args: &Args, config: Option<&Config>) -> Severity {
    args.fail_on
        .or(config.and_then(|c| c.fail_on))
        .unwrap_or(Severity::Error)
}

/// `--helm` and its flags, over the configuration's `helm:`; None when charts are not rendered.
pub(crate) fn helm(
    args: &CheckArgs,
    config: Option<&Config>,
    namespace: &str,
) -> Option<input::Helm> {
    let file = config.map(|c| c.helm.clone()).unwrap_or_default();
    if !(args.helm || file.render == Some(true)) {
        return None;
    }
    Some(input::Helm {
        program: "helm".to_string(),
        release: args
            .helm_release
            .clone()
            .or(file.release)
            .unwrap_or_else(|| "release-name".to_string()),
        namespace: namespace.to_string(),
        args: if args.helm_arg.is_empty() {
            file.args
        } else {
            args.helm_arg.clone()
        },
    })
}

/// The pipeline's options: defaults, then the configuration file, then the command line.
pub(crate) fn options(args: &CheckArgs, config: Option<&Config>) -> Result<Options, String> {
    let namespace = args
        .namespace
        .clone()
        .or_else(|| config.and_then(|c| c.namespace.clone()))
        .unwrap_or_else(|| "default".to_string());
    let mut options = Options::new(namespace);
    if let Some(now) = &args.now {
        options.now = crate::tls::time::parse_rfc3339(now)
            .map_err(|e| format!("invalid --now {now:?}: {e}"))?;
    } else if let Some(now) = config.and_then(|c| c.now) {
        options.now = now;
    }
    if let Some(text) = &args.min_validity {
        options.min_validity = config::parse_duration(text).ok_or_else(|| {
            format!("invalid --min-validity {text:?}: use a number of days, or a number with d, h, m or s (30d, 720h)")
        })?;
    } else if let Some(seconds) = config.and_then(|c| c.min_validity) {
        options.min_validity = seconds;
    }
    let pinned = match &args.kube_version {
        Some(text) => Some(
            crate::kube_version::parse(text)
                .map_err(|e| format!("invalid --kube-version {text:?}: {e}"))?,
        ),
        None => config.and_then(|c| c.kube_version),
    };
    let range = match &args.kube_versions {
        Some(text) => Some(
            crate::kube_version::parse_range(text)
                .map_err(|e| format!("invalid --kube-versions {text:?}: {e}"))?,
        ),
        None => config.and_then(|c| c.kube_versions),
    };
    match (pinned, range) {
        (Some(release), None) => {
            options.kube_version = release;
            options.kube_range = &[];
        }
        (pinned, Some(range)) => {
            options.kube_range = range;
            options.kube_version = pinned.unwrap_or(&range[range.len() - 1]);
        }
        (None, None) => {}
    }
    options.require_reason =
        args.require_reason || config.and_then(|c| c.require_reason).unwrap_or(false);
    if let Some(path) = &args.baseline {
        options.baseline = Some(crate::baseline::load(path).map_err(|e| e.to_string())?);
    }
    options.rules = config::rule_settings(config, &args.enable, &args.disable);
    if args.min_validity.is_some() {
        // The flag wins over the file, including the rule's own threshold.
        options.rules.expiring_min_validity = None;
    }
    Ok(options)
}
