//! C ABI for Prana webhook. See `include/prana_webhook.h`.
