// C++17 translation unit: the header compiles as C++ (extern "C", enum
// underlying types) and a few calls work through RAII wrappers.
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "prana_webhook.h"

namespace {

int failures = 0;
int passes = 0;

void check(bool ok, const char *what) {
    if (ok) {
        ++passes;
    } else {
        ++failures;
        std::fprintf(stderr, "CHECK failed: %s\n", what);
    }
}

struct BaseDeleter {
    void operator()(prana_base_url *b) const noexcept { prana_base_url_free(b); }
};
struct GenDeleter {
    void operator()(prana_id_generator *g) const noexcept { prana_id_generator_free(g); }
};
struct RegDeleter {
    void operator()(prana_registration *r) const noexcept { prana_registration_free(r); }
};

struct WorkflowDeleter {
    void operator()(prana_workflow *w) const noexcept { prana_workflow_free(w); }
};
struct ExecutionDeleter {
    void operator()(prana_execution *x) const noexcept { prana_execution_free(x); }
};

}  // namespace

// A node handler with C linkage; user_data carries a C++ object.
extern "C" bool cxx_handler(void *user_data, const prana_node_call *call, char *output,
                            size_t output_cap, prana_node_result *result) {
    auto *calls = static_cast<int *>(user_data);
    ++*calls;
    std::string_view out = "{\"seen\":true}";
    if (out.size() > output_cap || call == nullptr) {
        return false;
    }
    std::memcpy(output, out.data(), out.size());
    result->output_len = out.size();
    return true;
}

int main() {
    static_assert(sizeof(prana_status) == 4, "prana_status is 32 bits");
    static_assert(PRANA_RESUME_ID_BUF_SIZE == PRANA_MAX_RESUME_ID_LEN + 1, "buffer sizes");

    check(std::string_view(prana_version()).size() > 0, "version");

    std::array<uint8_t, PRANA_ID_SEED_LEN> seed{};
    seed.fill(42);
    prana_id_generator *raw_gen = nullptr;
    check(prana_id_generator_new(seed.data(), seed.size(), &raw_gen, nullptr) == PRANA_STATUS_OK, "gen");
    std::unique_ptr<prana_id_generator, GenDeleter> gen(raw_gen);

    prana_base_url *raw_base = nullptr;
    std::string_view url = "https://gw.example.com/hooks";
    check(prana_base_url_new(url.data(), url.size(), &raw_base, nullptr) == PRANA_STATUS_OK, "base");
    std::unique_ptr<prana_base_url, BaseDeleter> base(raw_base);

    std::string_view exec = "exec-1", node = "wait";
    prana_registration *raw_reg = nullptr;
    check(prana_registration_create(gen.get(), nullptr, 0, exec.data(), exec.size(), node.data(),
                                    node.size(), 1000, &raw_reg, nullptr) == PRANA_STATUS_OK,
          "create");
    std::unique_ptr<prana_registration, RegDeleter> reg(raw_reg);

    std::array<char, PRANA_RESUME_ID_BUF_SIZE> rid{};
    size_t rid_len = 0;
    check(prana_registration_resume_id(reg.get(), rid.data(), rid.size(), &rid_len, nullptr) ==
              PRANA_STATUS_OK,
          "resume id");

    std::array<char, PRANA_URL_BUF_SIZE> resume_url{};
    size_t url_len = 0;
    std::string url_text = "https://gw.example.com/hooks/webhook/workflow/resume/";
    url_text.append(rid.data(), rid_len);
    check(url_text.size() < resume_url.size(), "url size");
    std::copy(url_text.begin(), url_text.end(), resume_url.begin());
    url_len = url_text.size();

    prana_route route{};
    check(prana_route_parse(base.get(), resume_url.data(), url_len, &route, nullptr) == PRANA_STATUS_OK,
          "parse");
    check(route.kind == PRANA_ROUTE_RESUME, "kind");
    check(std::string_view(resume_url.data() + route.id.offset, route.id.len) ==
              std::string_view(rid.data(), rid_len),
          "route id");

    prana_transition t{};
    check(prana_registration_activate(reg.get(), 2000, 60000, nullptr, 0, &t, nullptr) ==
              PRANA_STATUS_OK,
          "activate");
    check(t.to == PRANA_LIFECYCLE_ACTIVE, "active");

    prana_resume_decision d{};
    check(prana_resume_decide(rid.data(), rid_len, reg.get(), 3000, &d, nullptr) == PRANA_STATUS_OK,
          "decide");
    check(d.resume && d.transition.from == PRANA_LIFECYCLE_ACTIVE &&
              d.transition.to == PRANA_LIFECYCLE_CONSUMED,
          "decision");

    check(prana_resume_id_validate("x", 1, nullptr) == PRANA_STATUS_MISSING_WEBHOOK_PREFIX, "invalid");
    check(std::string(prana_status_code(PRANA_STATUS_MISSING_WEBHOOK_PREFIX)) ==
              "missing_webhook_prefix",
          "code");

    // Phase 2: a workflow runs to its webhook wait through a C++ handler.
    std::string_view wf_json =
        R"({"id": "cxx", "nodes": [{"key": "t", "type": "trigger"},
            {"key": "step", "type": "cxx"},
            {"key": "w", "type": "wait", "params": {"mode": "webhook"}}],
            "connections": [{"from": "t", "to": "step"}, {"from": "step", "to": "w"}]})";
    prana_workflow *raw_wf = nullptr;
    check(prana_workflow_new(wf_json.data(), wf_json.size(), &raw_wf, nullptr) == PRANA_STATUS_OK,
          "workflow");
    std::unique_ptr<prana_workflow, WorkflowDeleter> wf(raw_wf);
    prana_execution *raw_x = nullptr;
    check(prana_execution_start(wf.get(), "x1", 2, base.get(), nullptr, gen.get(), 0, 0, &raw_x, nullptr) ==
              PRANA_STATUS_OK,
          "start");
    std::unique_ptr<prana_execution, ExecutionDeleter> x(raw_x);
    int calls = 0;
    auto result = std::make_unique<prana_run_result>();
    check(prana_execution_run(wf.get(), x.get(), cxx_handler, &calls, "{}", 2, 10,
                              result.get(), nullptr) == PRANA_STATUS_OK,
          "run");
    check(calls == 1 && result->outcome == PRANA_OUTCOME_SUSPENDED &&
              result->wait_mode == PRANA_WAIT_WEBHOOK,
          "suspended");

    std::printf("cxx: %d passed, %d failed\n", passes, failures);
    return failures == 0 ? 0 : 1;
}
