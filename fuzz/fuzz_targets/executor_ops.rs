#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| prana_webhook_fuzz::executor_ops(data));
