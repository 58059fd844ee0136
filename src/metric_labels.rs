//! Bounded metric label values.
//!
//! Every label value that comes from outside the process (a request's method, a
//! sender's subscription type, a HubSpot answer) goes through one of these
//! functions, so that `/metrics` holds a fixed number of series whatever the
//! input: one series per distinct value would let any client grow it without end.

use actix_web::http::Method;

/// Label value for anything outside a known set.
pub const OTHER: &str = "other";

/// The request method as a label: one of the standard methods, else `OTHER`.
pub fn method(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// `value` when it is one of `known`, else `fallback`.
pub fn one_of(value: &str, known: &[&'static str], fallback: &'static str) -> &'static str {
    known
        .iter()
        .find(|candidate| **candidate == value)
        .copied()
        .unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_methods_share_one_label() {
        for token in ["FOO", "BREW", "get", "PROPFIND"] {
            let method = Method::from_bytes(token.as_bytes()).expect("a token");
            assert_eq!(super::method(&method), "OTHER", "{token}");
        }
        assert_eq!(super::method(&Method::POST), "POST");
    }

    #[test]
    fn unknown_values_fall_back() {
        let known = ["a", "b"];
        assert_eq!(one_of("b", &known, OTHER), "b");
        assert_eq!(one_of("c", &known, OTHER), OTHER);
    }
}
