//! A line of the preflight's report, the vocabulary of every preflight item.

/// How one preflight item came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    Warn,
    Fail,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreflightLine {
    pub verdict: Verdict,
    pub name: &'static str,
    pub detail: String,
}

impl std::fmt::Display for PreflightLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verdict = match self.verdict {
            Verdict::Ok => "ok  ",
            Verdict::Warn => "WARN",
            Verdict::Fail => "FAIL",
        };
        write!(f, "{verdict} {:<22} {}", self.name, self.detail)
    }
}

/// A line of the report.
pub(crate) fn line(
    verdict: Verdict,
    name: &'static str,
    detail: impl Into<String>,
) -> PreflightLine {
    PreflightLine {
        verdict,
        name,
        detail: detail.into(),
    }
}
