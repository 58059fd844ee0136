use super::*;
use bytes::Bytes;

const SECRET: &str = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
const URL: &str = "https://www.example.com/webhook_uri";
const EXAMPLE_BODY: &str = r#"[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]"#;
const QUOTED_BODY: &str = "{'example_field':'example_value'}";

#[test]
fn v1_known_answers() {
    assert_eq!(
        sign_v1(SECRET, EXAMPLE_BODY.as_bytes()),
        "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de"
    );
    assert_eq!(
        sign_v1(SECRET, QUOTED_BODY.as_bytes()),
        "69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750"
    );
}

#[test]
fn v2_known_answers() {
    assert_eq!(
        sign_v2(SECRET, "GET", URL, b""),
        "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e"
    );
    assert_eq!(
        sign_v2(SECRET, "POST", URL, br#"{"example_field":"example_value"}"#),
        "9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900"
    );
    assert_eq!(
        sign_v2(SECRET, "POST", URL, QUOTED_BODY.as_bytes()),
        "4fe4e3a7d3cf09db53be39d0a58130e2aaba074ec123a9e355b876a689a1c383"
    );
}

#[test]
fn v3_known_answers() {
    let body = QUOTED_BODY.as_bytes();
    assert_eq!(
        sign_v3(SECRET, "POST", URL, body, "1693657560000"),
        "K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y="
    );
    assert_eq!(
        sign_v3(SECRET, "POST", URL, body, "1700000300000"),
        "RnbPH7+UMKVkbV32P8bz450N4M56aPmcru1+D3kSDtw="
    );
}

#[test]
fn uri_rule_decodes_exactly_the_listed_sequences() {
    assert_eq!(
        decode_v3_uri("https://x.io/a%3Ab%2Fc%3Fd%40e%21f%24g%27h%28i%29j%2Ak%2Cl%3Bm"),
        "https://x.io/a:b/c?d@e!f$g'h(i)j*k,l;m"
    );
    // Not in the list: left exactly as received.
    assert_eq!(
        decode_v3_uri("https://x.io/p?q=a%20b%26c%3Dd%25"),
        "https://x.io/p?q=a%20b%26c%3Dd%25"
    );
    // Lower-case hex and a truncated sequence are not decoded.
    assert_eq!(
        decode_v3_uri("https://x.io/a%3a%2f%3"),
        "https://x.io/a%3a%2f%3"
    );
    // A decoded '%' never starts a new sequence.
    assert_eq!(decode_v3_uri("https://x.io/%253A"), "https://x.io/%253A");
    assert_eq!(decode_v3_uri("%"), "%");
    assert_eq!(decode_v3_uri("plain"), "plain");
}

#[test]
fn v3_signature_covers_the_decoded_uri() {
    let encoded = "https://x.io/hook?next=%2Fhome%3Fa%3D1";
    let decoded = "https://x.io/hook?next=/home?a%3D1";
    assert_eq!(
        sign_v3(SECRET, "POST", encoded, b"[]", "1"),
        sign_v3(SECRET, "POST", decoded, b"[]", "1")
    );
}

const NOW: u64 = 1_700_000_300_000;

fn v3_request<'a>(sig: &'a str, ts: &'a str) -> SignedRequest<'a> {
    SignedRequest {
        method: "POST",
        url: URL,
        body: Bytes::from_static(QUOTED_BODY.as_bytes()),
        signature_v3: Some(sig),
        timestamp: Some(ts),
        signature_legacy: None,
        legacy_version: None,
    }
}

fn legacy_request<'a>(sig: &'a str, version: Option<&'a str>) -> SignedRequest<'a> {
    SignedRequest {
        signature_v3: None,
        timestamp: None,
        signature_legacy: Some(sig),
        legacy_version: version,
        ..v3_request("", "")
    }
}

#[test]
fn verify_accepts_a_known_v3_request() {
    let sig = "RnbPH7+UMKVkbV32P8bz450N4M56aPmcru1+D3kSDtw=";
    let verified = verify(
        SECRET,
        SignaturePolicy::Any,
        v3_request(sig, "1700000300000"),
        NOW,
    );
    let verified = verified.expect("known-answer vector must verify");
    assert_eq!(verified.version(), SignatureVersion::V3);
    assert_eq!(verified.bytes(), QUOTED_BODY.as_bytes());
}

#[test]
fn verify_rejects_v3_tampering_and_time_skew() {
    let sig = sign_v3(
        SECRET,
        "POST",
        URL,
        QUOTED_BODY.as_bytes(),
        &NOW.to_string(),
    );
    let now = NOW.to_string();
    let wrong_secret = sign_v3("other", "POST", URL, QUOTED_BODY.as_bytes(), &now);
    let check = |req| verify(SECRET, SignaturePolicy::Any, req, NOW).map(|v| v.version());
    assert_eq!(check(v3_request(&sig, &now)), Ok(SignatureVersion::V3));
    assert_eq!(
        check(v3_request(&wrong_secret, &now)),
        Err(SignatureError::Mismatch)
    );
    let mut tampered = v3_request(&sig, &now);
    tampered.body = Bytes::from_static(b"{'example_field':'other_value'}");
    assert_eq!(check(tampered), Err(SignatureError::Mismatch));
    let old = (NOW - 5 * 60 * 1000 - 1).to_string();
    let old_sig = sign_v3(SECRET, "POST", URL, QUOTED_BODY.as_bytes(), &old);
    assert_eq!(
        check(v3_request(&old_sig, &old)),
        Err(SignatureError::Stale)
    );
    let future = (NOW + 5 * 60 * 1000 + 1).to_string();
    let future_sig = sign_v3(SECRET, "POST", URL, QUOTED_BODY.as_bytes(), &future);
    assert_eq!(
        check(v3_request(&future_sig, &future)),
        Err(SignatureError::Stale)
    );
    let edge = (NOW - 5 * 60 * 1000).to_string();
    let edge_sig = sign_v3(SECRET, "POST", URL, QUOTED_BODY.as_bytes(), &edge);
    assert_eq!(
        check(v3_request(&edge_sig, &edge)),
        Ok(SignatureVersion::V3)
    );
    let mut no_ts = v3_request(&sig, "");
    no_ts.timestamp = None;
    assert_eq!(check(no_ts), Err(SignatureError::BadTimestamp));
    assert_eq!(
        check(v3_request(&sig, "soon")),
        Err(SignatureError::BadTimestamp)
    );
}

#[test]
fn verify_legacy_versions_and_policy() {
    let v1 = "69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750";
    let v2 = "4fe4e3a7d3cf09db53be39d0a58130e2aaba074ec123a9e355b876a689a1c383";
    let check = |policy, req| verify(SECRET, policy, req, NOW).map(|v| v.version());
    let any = SignaturePolicy::Any;
    assert_eq!(
        check(any, legacy_request(v1, Some("v1"))),
        Ok(SignatureVersion::V1)
    );
    assert_eq!(
        check(any, legacy_request(v1, None)),
        Ok(SignatureVersion::V1)
    );
    let upper = v1.to_ascii_uppercase();
    assert_eq!(
        check(any, legacy_request(&upper, Some("v1"))),
        Ok(SignatureVersion::V1)
    );
    assert_eq!(
        check(any, legacy_request(v2, Some("v2"))),
        Ok(SignatureVersion::V2)
    );
    assert_eq!(
        check(any, legacy_request(v1, Some("v2"))),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        check(any, legacy_request(v1, Some("v9"))),
        Err(SignatureError::UnsupportedVersion)
    );
    assert_eq!(
        check(SignaturePolicy::V3Only, legacy_request(v1, Some("v1"))),
        Err(SignatureError::V3Required)
    );
    let mut unsigned = legacy_request(v1, None);
    unsigned.signature_legacy = None;
    assert_eq!(check(any, unsigned), Err(SignatureError::Missing));
}

#[test]
fn v3_header_takes_precedence_over_a_valid_legacy_one() {
    let v1 = "69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750";
    let mut req = v3_request("bogus", "1700000300000");
    req.signature_legacy = Some(v1);
    req.legacy_version = Some("v1");
    let result = verify(SECRET, SignaturePolicy::Any, req, NOW).map(|v| v.version());
    assert_eq!(result, Err(SignatureError::Mismatch));
}
