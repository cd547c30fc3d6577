//! Signing and verifying (resume URLs and Standard Webhooks) use no heap.

mod common;

use common::counting_alloc::Counting;
use common::signatures::*;

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_in(f: impl FnOnce()) -> usize {
    common::counting_alloc::allocations_in(f).1
}

#[test]
fn sign_and_verify_do_not_allocate() {
    // Build everything the closure uses first; only sign/verify are counted.
    let ks = keys_a();
    let secret = ref_secret();
    let good = sig_query(&ks, RID);
    let header = format!("v2,x v1,!!!! {REF_SIGNATURE}");
    let n = allocations_in(|| {
        let key = ResumeKey::new("kz", SECRET_B).unwrap();
        let _ = key.sign(RID);
        let mut set: KeySet = KeySet::new();
        set.add(key).unwrap();
        let mut url: heapless::String<512> = heapless::String::new();
        let _ = url.push_str("https://h/webhook/workflow/resume/");
        set.sign_url(RID, &mut url).unwrap();
        assert!(check(&ks, &good).is_ok());
        assert!(check(&ks, "sig=ka.AAAAAAAAAAAAAAAAAAAAAA").is_err());
        let _ = StandardWebhookSecret::from_whsec(REF_SECRET).unwrap();
        let sig = sw::sign(&secret, REF_MSG_ID, REF_TIMESTAMP, REF_BODY);
        assert_eq!(sig.as_str(), REF_SIGNATURE);
        assert!(sw::verify(
            &secret,
            REF_MSG_ID,
            REF_TIMESTAMP_STR,
            REF_BODY,
            &header,
            REF_TIMESTAMP,
            300
        )
        .is_ok());
        let _ = SignatureError::Mismatch.reason();
    });
    assert_eq!(n, 0, "sign/verify allocated {n} times");
    // The counter works at all.
    assert!(allocations_in(|| drop(vec![1u8; 8])) > 0);
}
