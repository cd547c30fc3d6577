#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| prana_webhook_fuzz::form_decode(data));
