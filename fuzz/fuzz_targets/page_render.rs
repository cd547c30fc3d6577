#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| prana_webhook_fuzz::page_render(data));
