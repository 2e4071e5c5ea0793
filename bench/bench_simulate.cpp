// iotpolicy-bench-simulate: the decision benchmark of issue 4. A generated fleet (10,000 devices, one fleet policy
// with variables, wildcards and conditions) and 1,000,000 requests, decided by ConnectionEvaluator::decide() on one
// thread; the policy compile, the per-connection set-up and the decisions are timed apart, heap allocations during
// the decisions are counted, and every decision is checked against what its request shape expects. `--sample FILE`
// also writes every 100th request with our decision, for bench/peer/peer.mjs. See bench/README.md.
#include <execinfo.h>      // backtrace (--trace-allocations)
#include <malloc.h>        // mallinfo2
#include <sys/resource.h>  // getrusage, rusage

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>  // clock_gettime
#include <exception>
#include <fstream>
#include <map>
#include <memory>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "iotpolicy/connection.hpp"
#include "iotpolicy/evaluator.hpp"
#include "iotpolicy/scenario.hpp"  // resource_arn: how `iotpolicy simulate` builds a request's ARN
#include "iotpolicy/source.hpp"
#include "bench_support.hpp"

// --- Counting the heap allocations of this process -------------------------------------------------------------
//
// Every operator new of the binary (the library's containers included) goes through these replacements. The count
// is read before and after the decision loop. Direct malloc() calls are not counted; the evaluator makes none.

namespace {

std::atomic<std::uint64_t> g_allocations{0};
std::atomic<std::uint64_t> g_allocated_bytes{0};  // requested sizes, without malloc's own overhead
std::atomic<int> g_traces_left{0};  // --trace-allocations N: print a backtrace of the next N allocations
thread_local bool g_in_trace = false;

void note_allocation(std::size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    g_allocated_bytes.fetch_add(size, std::memory_order_relaxed);
    if (g_traces_left.load(std::memory_order_relaxed) > 0 && !g_in_trace) {
        g_in_trace = true;
        g_traces_left.fetch_sub(1, std::memory_order_relaxed);
        std::array<void*, 32> frames{};
        const int depth = backtrace(frames.data(), static_cast<int>(frames.size()));
        std::fprintf(stderr, "allocation of %zu bytes during decisions:\n", size);
        backtrace_symbols_fd(frames.data(), depth, 2);
        g_in_trace = false;
    }
}

void* allocate(std::size_t size) {
    note_allocation(size);
    void* p = std::malloc(size == 0 ? 1 : size);
    if (p == nullptr) throw std::bad_alloc();
    return p;
}

void* allocate_aligned(std::size_t size, std::align_val_t alignment) {
    note_allocation(size);
    void* p = nullptr;
    const auto align = std::max(static_cast<std::size_t>(alignment), sizeof(void*));
    if (posix_memalign(&p, align, size == 0 ? 1 : size) != 0) throw std::bad_alloc();
    return p;
}

}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    try {
        return allocate(size);
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    try {
        return allocate(size);
    } catch (...) {
        return nullptr;
    }
}
void* operator new(std::size_t size, std::align_val_t alignment) { return allocate_aligned(size, alignment); }
void* operator new[](std::size_t size, std::align_val_t alignment) { return allocate_aligned(size, alignment); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {

using namespace iotpolicy;
using bench::peak_rss_megabytes;
using bench::SplitMix64;
using bench::thread_cpu_seconds;
using Clock = std::chrono::steady_clock;

constexpr int k_exit_ok = 0;
constexpr int k_exit_failure = 1;
constexpr int k_exit_usage = 2;

constexpr std::uint64_t k_default_devices = 10'000;
constexpr std::uint64_t k_default_requests_per_device = 100;
constexpr std::uint64_t k_default_seed = 1;
constexpr std::uint64_t k_default_repeat = 3;
constexpr std::size_t k_sample_every = 100;

constexpr std::string_view k_region = "eu-west-1";
constexpr std::string_view k_account = "123456789012";

constexpr std::string_view k_usage = R"(usage:
  iotpolicy-bench-simulate measure [--repeat N] [--sample FILE] [--seed S] [--devices D] [--per-device R]
      generate the fleet workload (D devices, default 10000; R requests each, default 100; seed 1), time the policy
      compile, the per-connection evaluators and N passes of decide() over every request (default 3, best pass
      reported), count heap allocations during the decisions, check every decision; with --sample, also write
      every 100th request with our decision as JSON for bench/peer/peer.mjs
  iotpolicy-bench-simulate sample FILE [--seed S] [--devices D] [--per-device R]
      only write the sample (nothing timed)
  --trace-allocations N   print a backtrace of the first N allocations made during the decisions
)";

class UsageError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};


// --- The fleet policy ---------------------------------------------------------------------------------------------

// One document, as a fleet of sensors and gateways would deploy it: thing-name variables in every resource the device
// owns, an attribute variable, a `?` pattern, an action wildcard in the Deny statements, a Bool condition on the
// attachment and a StringEquals condition on the thing type. 1,993 characters without whitespace, as fleet policies
// often come close to the 2,048-character quota.
constexpr std::string_view k_policy = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Connect",
      "Effect": "Allow",
      "Action": "iot:Connect",
      "Resource": "arn:aws:iot:eu-west-1:123456789012:client/${iot:Connection.Thing.ThingName}",
      "Condition": {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}
    },
    {
      "Sid": "Telemetry",
      "Effect": "Allow",
      "Action": ["iot:Publish", "iot:RetainPublish"],
      "Resource": [
        "arn:aws:iot:eu-west-1:123456789012:topic/dt/${iot:Connection.Thing.ThingName}/*",
        "arn:aws:iot:eu-west-1:123456789012:topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*"
      ]
    },
    {
      "Sid": "SubscribeOwn",
      "Effect": "Allow",
      "Action": "iot:Subscribe",
      "Resource": [
        "arn:aws:iot:eu-west-1:123456789012:topicfilter/cmd/${iot:Connection.Thing.ThingName}/*",
        "arn:aws:iot:eu-west-1:123456789012:topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*"
      ]
    },
    {
      "Sid": "ReceiveOwn",
      "Effect": "Allow",
      "Action": "iot:Receive",
      "Resource": [
        "arn:aws:iot:eu-west-1:123456789012:topic/cmd/${iot:Connection.Thing.ThingName}/*",
        "arn:aws:iot:eu-west-1:123456789012:topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*"
      ]
    },
    {
      "Sid": "Site",
      "Effect": "Allow",
      "Action": ["iot:Subscribe", "iot:Receive"],
      "Resource": [
        "arn:aws:iot:eu-west-1:123456789012:topicfilter/site/${iot:Connection.Thing.Attributes[site]}/broadcast/*",
        "arn:aws:iot:eu-west-1:123456789012:topic/site/${iot:Connection.Thing.Attributes[site]}/broadcast/*"
      ]
    },
    {
      "Sid": "Firmware",
      "Effect": "Allow",
      "Action": ["iot:Subscribe", "iot:Receive"],
      "Resource": [
        "arn:aws:iot:eu-west-1:123456789012:topicfilter/fw/v?/announce",
        "arn:aws:iot:eu-west-1:123456789012:topic/fw/v?/announce"
      ],
      "Condition": {"StringEquals": {"iot:Connection.Thing.ThingTypeName": ["TempSensor", "HumiditySensor"]}}
    },
    {
      "Sid": "DenyCommandsAndDebug",
      "Effect": "Deny",
      "Action": "iot:*Publish",
      "Resource": [
        "arn:aws:iot:eu-west-1:123456789012:topic/cmd/*",
        "arn:aws:iot:eu-west-1:123456789012:topic/dt/*/debug/*"
      ]
    },
    {
      "Sid": "DenyShadowDelete",
      "Effect": "Deny",
      "Action": "iot:Publish",
      "Resource": "arn:aws:iot:eu-west-1:123456789012:topic/$aws/things/*/shadow/delete"
    }
  ]
}
)";

// --- The fleet ----------------------------------------------------------------------------------------------------

struct DeviceType {
    std::string_view type;
    std::string_view prefix;
    std::size_t weight;  // in percent
    bool gets_firmware;  // named by the Firmware statement's condition
};

constexpr std::array<DeviceType, 3> k_device_types{{
    {"TempSensor", "temp", 50, true},
    {"HumiditySensor", "hum", 30, true},
    {"Gateway", "gw", 20, false},
}};

constexpr std::array<std::string_view, 24> k_sites{
    "berlin-1",  "berlin-2", "hamburg-1", "munich-1",  "paris-1",   "paris-2",  "lyon-1",    "madrid-1",
    "madrid-2",  "lisbon-1", "dublin-1",  "london-1",  "london-2",  "oslo-1",   "stockholm-1", "helsinki-1",
    "warsaw-1",  "prague-1", "vienna-1",  "zurich-1",  "milan-1",   "rome-1",   "athens-1",  "amsterdam-1",
};

struct Device {
    const DeviceType* type = nullptr;
    std::size_t site = 0;
    Connection connection;
};

std::vector<Device> generate_fleet(std::size_t count, SplitMix64& rng) {
    std::vector<Device> fleet;
    fleet.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        Device d;
        std::size_t roll = rng.below(100);
        d.type = &k_device_types.back();
        for (const DeviceType& t : k_device_types) {
            if (roll < t.weight) {
                d.type = &t;
                break;
            }
            roll -= t.weight;
        }
        d.site = rng.below(k_sites.size());
        const std::string name = fmt::format("{}-{:05}", d.type->prefix, i);
        Connection& c = d.connection;
        c.name = name;
        c.client_id = name;
        c.auth = catalog::AuthType::x509;
        c.protocol = catalog::Protocol::mqtt;
        ThingFacts thing;
        thing.name = name;
        thing.type = std::string(d.type->type);
        thing.attributes.emplace_back("site", std::string(k_sites[d.site]));
        thing.attached = true;
        c.thing = std::move(thing);
        CertificateFacts cert;
        cert.id = fmt::format("{:016x}{:016x}{:016x}{:016x}", rng.next(), rng.next(), rng.next(), rng.next());
        cert.subject.push_back({"CommonName", {name}});
        cert.subject.push_back({"Organization", {"Example Fleet GmbH"}});
        c.certificate = std::move(cert);
        c.source_ip = fmt::format("10.{}.{}.{}", 16 + rng.below(16), rng.below(256), 1 + rng.below(254));
        fleet.push_back(std::move(d));
    }
    return fleet;
}

// --- Request shapes -----------------------------------------------------------------------------------------------

enum class Who : std::uint8_t {
    self,        // the device's own thing name
    other,       // another device's thing name
    own_site,    // the device's site attribute
    other_site,  // another site
    none,        // the name has no variable part
};

enum class Expect : std::uint8_t { allow, implicit_deny, explicit_deny, allow_unless_gateway };

struct Shape {
    std::string_view action;
    std::string_view type;     // the ARN's resource type: client, topic, topicfilter
    std::string_view pattern;  // the name, `{}` standing for the device, site or nothing
    Who who;
    Expect expect;
    std::size_t weight;  // relative frequency
};

// 34 shapes: about 70% own-topic allows, 20% implicit denies (other devices' topics, unrelated topics) and 10%
// explicit denies.
constexpr std::array<Shape, 34> k_shapes{{
    {"iot:Connect", "client", "{}", Who::self, Expect::allow, 3},
    {"iot:Publish", "topic", "dt/{}/temperature", Who::self, Expect::allow, 10},
    {"iot:Publish", "topic", "dt/{}/humidity", Who::self, Expect::allow, 6},
    {"iot:Publish", "topic", "dt/{}/status/battery", Who::self, Expect::allow, 4},
    {"iot:RetainPublish", "topic", "dt/{}/status/online", Who::self, Expect::allow, 2},
    {"iot:Publish", "topic", "$aws/things/{}/shadow/update", Who::self, Expect::allow, 6},
    {"iot:Publish", "topic", "$aws/things/{}/shadow/get", Who::self, Expect::allow, 3},
    {"iot:Publish", "topic", "$aws/things/{}/shadow/name/config/update", Who::self, Expect::allow, 2},
    {"iot:Subscribe", "topicfilter", "cmd/{}/+", Who::self, Expect::allow, 2},
    {"iot:Subscribe", "topicfilter", "$aws/things/{}/shadow/update/delta", Who::self, Expect::allow, 2},
    {"iot:Subscribe", "topicfilter", "$aws/things/{}/shadow/#", Who::self, Expect::allow, 1},
    {"iot:Receive", "topic", "cmd/{}/reboot", Who::self, Expect::allow, 8},
    {"iot:Receive", "topic", "cmd/{}/config/set", Who::self, Expect::allow, 4},
    {"iot:Receive", "topic", "$aws/things/{}/shadow/update/delta", Who::self, Expect::allow, 6},
    {"iot:Receive", "topic", "$aws/things/{}/shadow/get/accepted", Who::self, Expect::allow, 3},
    {"iot:Subscribe", "topicfilter", "site/{}/broadcast/#", Who::own_site, Expect::allow, 2},
    {"iot:Receive", "topic", "site/{}/broadcast/alert", Who::own_site, Expect::allow, 5},
    {"iot:Subscribe", "topicfilter", "fw/v2/announce", Who::none, Expect::allow_unless_gateway, 1},
    {"iot:Receive", "topic", "fw/v3/announce", Who::none, Expect::allow_unless_gateway, 3},
    {"iot:Connect", "client", "{}", Who::other, Expect::implicit_deny, 2},
    {"iot:Publish", "topic", "dt/{}/temperature", Who::other, Expect::implicit_deny, 4},
    {"iot:Subscribe", "topicfilter", "cmd/{}/+", Who::other, Expect::implicit_deny, 2},
    {"iot:Receive", "topic", "cmd/{}/reboot", Who::other, Expect::implicit_deny, 2},
    {"iot:Publish", "topic", "$aws/things/{}/shadow/update", Who::other, Expect::implicit_deny, 3},
    {"iot:Subscribe", "topicfilter", "site/{}/broadcast/#", Who::other_site, Expect::implicit_deny, 2},
    {"iot:Receive", "topic", "fw/v10/announce", Who::none, Expect::implicit_deny, 1},  // `?` is one character
    {"iot:Publish", "topic", "telemetry/{}", Who::self, Expect::implicit_deny, 2},
    {"iot:Subscribe", "topicfilter", "cmd/#", Who::none, Expect::implicit_deny, 1},
    {"iot:Receive", "topic", "dt/{}/temperature", Who::self, Expect::implicit_deny, 2},
    {"iot:Publish", "topic", "cmd/{}/reboot", Who::self, Expect::explicit_deny, 3},
    {"iot:Publish", "topic", "cmd/{}/reboot", Who::other, Expect::explicit_deny, 2},
    {"iot:Publish", "topic", "$aws/things/{}/shadow/delete", Who::self, Expect::explicit_deny, 2},
    {"iot:Publish", "topic", "dt/{}/debug/trace", Who::self, Expect::explicit_deny, 2},
    {"iot:RetainPublish", "topic", "dt/{}/debug/dump", Who::self, Expect::explicit_deny, 1},
}};

DecisionKind expected_kind(const Shape& shape, const Device& device) {
    switch (shape.expect) {
    case Expect::allow: return DecisionKind::allow;
    case Expect::implicit_deny: return DecisionKind::implicit_deny;
    case Expect::explicit_deny: return DecisionKind::explicit_deny;
    case Expect::allow_unless_gateway:
        return device.type->gets_firmware ? DecisionKind::allow : DecisionKind::implicit_deny;
    }
    return DecisionKind::implicit_deny;
}

/// The workload: requests in a shuffled order (devices interleave, as on a broker), each with its device and shape.
struct Workload {
    std::vector<Request> requests;
    std::vector<std::uint32_t> device;
    std::vector<std::uint8_t> shape;
    std::vector<DecisionKind> expected;
    std::size_t resource_bytes = 0;
};

Workload generate_requests(const std::vector<Device>& fleet, std::size_t per_device, bool shuffle,
                           const EvaluationOptions& options, SplitMix64& rng) {
    std::size_t total_weight = 0;
    for (const Shape& s : k_shapes) total_weight += s.weight;
    std::array<RequestAction, k_shapes.size()> actions{};
    for (std::size_t i = 0; i < k_shapes.size(); ++i) {
        const auto action = find_request_action(k_shapes[i].action);
        if (!action) throw std::runtime_error(fmt::format("unknown action {}", k_shapes[i].action));
        actions[i] = *action;
    }

    // Which (device, shape) pairs, then a Fisher-Yates shuffle of their order.
    const std::size_t count = fleet.size() * per_device;
    std::vector<std::uint64_t> order(count);
    for (std::size_t d = 0; d < fleet.size(); ++d) {
        for (std::size_t r = 0; r < per_device; ++r) {
            std::size_t roll = rng.below(total_weight);
            std::size_t shape = 0;
            while (roll >= k_shapes[shape].weight) roll -= k_shapes[shape++].weight;
            order[d * per_device + r] = (static_cast<std::uint64_t>(d) << 8U) | shape;
        }
    }
    if (shuffle) {
        for (std::size_t i = count; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    }

    Workload w;
    w.requests.resize(count);
    w.device.resize(count);
    w.shape.resize(count);
    w.expected.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto d = static_cast<std::uint32_t>(order[i] >> 8U);
        const auto s = static_cast<std::uint8_t>(order[i] & 0xFFU);
        const Device& device = fleet[d];
        const Shape& shape = k_shapes[s];
        std::string_view part;
        switch (shape.who) {
        case Who::self: part = device.connection.thing->name; break;
        case Who::other: {
            std::size_t other = rng.below(fleet.size() - 1);
            if (other >= d) ++other;
            part = fleet[other].connection.thing->name;
            break;
        }
        case Who::own_site: part = k_sites[device.site]; break;
        case Who::other_site: part = k_sites[(device.site + 1 + rng.below(k_sites.size() - 1)) % k_sites.size()]; break;
        case Who::none: break;
        }
        Request& r = w.requests[i];
        r.action = actions[s];
        r.resource = resource_arn(options, shape.type, fmt::format(fmt::runtime(shape.pattern), part));
        w.resource_bytes += r.resource.size();
        w.device[i] = d;
        w.shape[i] = s;
        w.expected[i] = expected_kind(shape, device);
    }
    return w;
}

// --- Measuring ----------------------------------------------------------------------------------------------------



struct Timed {
    double wall = 0;
    double cpu = 0;
    std::uint64_t allocations = 0;
    std::uint64_t allocated_bytes = 0;
};

template <typename F>
Timed timed(F&& f) {
    const std::uint64_t allocations = g_allocations.load();
    const std::uint64_t bytes = g_allocated_bytes.load();
    const double cpu = thread_cpu_seconds();
    const auto start = Clock::now();
    f();
    Timed t;
    t.wall = std::chrono::duration<double>(Clock::now() - start).count();
    t.cpu = thread_cpu_seconds() - cpu;
    t.allocations = g_allocations.load() - allocations;
    t.allocated_bytes = g_allocated_bytes.load() - bytes;
    return t;
}

std::string with_commas(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string_view kind_name(DecisionKind k) { return decision_name(k); }

// --- The sample for the peer --------------------------------------------------------------------------------------

std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

/// The context keys a device's requests carry for an IAM evaluator: what `iotpolicy simulate` resolves from the
/// connection facts, given explicitly so the peer can substitute the policy variables and evaluate the conditions.
std::string peer_context(const Device& device) {
    const Connection& c = device.connection;
    const std::array<std::pair<std::string_view, std::string_view>, 8> keys{{
        {"iot:ClientId", *c.client_id},
        {"iot:Connection.Thing.ThingName", c.thing->name},
        {"iot:Connection.Thing.ThingTypeName", *c.thing->type},
        {"iot:Connection.Thing.Attributes[site]", c.thing->attributes.front().second},
        {"iot:Connection.Thing.IsAttached", "true"},
        {"iot:Certificate.Subject.CommonName", c.certificate->subject.front().values.front()},
        {"iot:CertificateId", c.certificate->id},
        {"aws:SourceIp", *c.source_ip},
    }};
    std::string out = "{";
    for (const auto& [key, value] : keys) {
        if (out.size() > 1) out += ", ";
        out += json_string(key) + ": " + json_string(value);
    }
    return out + "}";
}

void write_sample(const std::string& path, const Workload& w, const std::vector<Device>& fleet,
                  const std::vector<DecisionKind>& ours, std::uint64_t seed) {
    std::string out = "{\n";
    out += fmt::format("  \"description\": \"every {}th request of iotpolicy-bench-simulate's workload (seed {}, {} "
                       "requests of {} devices), with iotpolicy's decision\",\n",
                       k_sample_every, seed, w.requests.size(), fleet.size());
    out += fmt::format("  \"region\": \"{}\",\n  \"account\": \"{}\",\n", k_region, k_account);
    out += "  \"policy\": " + std::string(k_policy.substr(0, k_policy.find_last_not_of('\n') + 1)) + ",\n";
    out += "  \"requests\": [\n";
    bool first = true;
    for (std::size_t i = 0; i < w.requests.size(); i += k_sample_every) {
        const Request& r = w.requests[i];
        if (!first) out += ",\n";
        first = false;
        out += fmt::format("    {{\"action\": {}, \"resource\": {}, \"shape\": {}, \"ours\": \"{}\", \"context\": {}}}",
                           json_string(request_action_name(r.action)), json_string(r.resource), w.shape[i],
                           kind_name(ours[i]), peer_context(fleet[w.device[i]]));
    }
    out += "\n  ]\n}\n";
    std::ofstream file(path, std::ios::binary);
    file << out;
    if (!file) throw std::runtime_error(fmt::format("cannot write '{}'", path));
}

// --- Modes --------------------------------------------------------------------------------------------------------

struct Settings {
    std::uint64_t devices = k_default_devices;
    std::uint64_t per_device = k_default_requests_per_device;
    std::uint64_t seed = k_default_seed;
    std::uint64_t repeat = k_default_repeat;
    std::uint64_t trace_allocations = 0;
    std::string sample_path;
    bool shuffle = true;  // false: each device's requests together, devices in order (--order device)
    // How many requests ahead the loop asks the next connection's evaluator to prefetch (0: no prefetching).
    std::uint64_t prefetch_distance = 8;
    bool measure = true;
};

int run(const Settings& settings) {
    EvaluationOptions options;
    options.region = std::string(k_region);
    options.account = std::string(k_account);
    options.partition = std::string(partition_of_region(k_region));

    // The workload, built before anything is timed.
    SplitMix64 rng(settings.seed);
    const auto fleet_start = Clock::now();
    const std::vector<Device> fleet = generate_fleet(settings.devices, rng);
    const Workload w = generate_requests(fleet, settings.per_device, settings.shuffle, options, rng);
    const double generate_seconds = std::chrono::duration<double>(Clock::now() - fleet_start).count();
    const double rss_workload = peak_rss_megabytes();

    // Phase 1: the policy, parsed and compiled once.
    std::optional<PolicySet> policies;
    const Timed compile = timed([&] {
        std::vector<PolicyDocument> documents;
        documents.push_back(load_policy_document(
            "fleet-policy.json", std::make_shared<const SourceFile>("fleet-policy.json", std::string(k_policy))));
        policies.emplace(std::move(documents));
    });
    const PolicyDocument& doc = policies->documents().front();
    if (doc.named_standing != Standing::in_force || !doc.diagnostics.empty()) {
        fmt::print(stderr, "the fleet policy is not in force: {} ({} diagnostics, first: {})\n", doc.standing_reason,
                   doc.diagnostics.size(), doc.diagnostics.empty() ? "" : doc.diagnostics.front().message);
        return k_exit_failure;
    }

    // Phase 2: one evaluator per connection (the statements with variables compiled for that connection).
    std::vector<ConnectionEvaluator> evaluators;
    evaluators.reserve(fleet.size());
    const std::size_t heap_before_setup = mallinfo2().uordblks;
    const Timed setup = timed([&] {
        for (const Device& d : fleet) evaluators.emplace_back(*policies, d.connection, options);
    });
    const std::size_t heap_after_setup = mallinfo2().uordblks;
    const double rss_before_decisions = peak_rss_megabytes();

    // Phase 3: the decisions, one thread, `repeat` passes over every request.
    std::vector<DecisionKind> decided(w.requests.size());
    std::vector<const ConnectionEvaluator*> evaluator_of(w.requests.size());
    for (std::size_t i = 0; i < w.requests.size(); ++i) evaluator_of[i] = &evaluators[w.device[i]];
    std::array<std::uint64_t, 3> mix{};
    std::uint64_t uncertain = 0;
    std::vector<Timed> passes;
    std::uint64_t decision_allocations = 0;
    if (settings.measure) {
        {
            // backtrace() loads libgcc on its first call; do that outside the loop.
            std::array<void*, 4> frames{};
            backtrace(frames.data(), static_cast<int>(frames.size()));
        }
        passes.reserve(settings.repeat);
        g_traces_left.store(static_cast<int>(settings.trace_allocations));
        for (std::uint64_t pass = 0; pass < settings.repeat; ++pass) {
            mix = {};
            uncertain = 0;
            passes.push_back(timed([&] {
                const std::size_t n = w.requests.size();
                for (std::size_t i = 0; i < n; ++i) {
                    if (settings.prefetch_distance > 0 && i + settings.prefetch_distance < n) {
                        evaluator_of[i + settings.prefetch_distance]->prefetch();
                    }
                    const Decision d = evaluator_of[i]->decide(w.requests[i]);
                    decided[i] = d.kind;
                    ++mix[static_cast<std::size_t>(d.kind)];
                    uncertain += d.uncertain ? 1U : 0U;
                }
            }));
            decision_allocations += passes.back().allocations;
        }
        g_traces_left.store(0);
    } else {
        for (std::size_t i = 0; i < w.requests.size(); ++i) {
            decided[i] = evaluator_of[i]->decide(w.requests[i]).kind;
            ++mix[static_cast<std::size_t>(decided[i])];
        }
    }

    // Every decision against what its shape expects.
    std::uint64_t wrong = 0;
    std::map<std::pair<std::size_t, DecisionKind>, std::uint64_t> wrong_by_shape;
    std::vector<std::size_t> wrong_examples;
    for (std::size_t i = 0; i < w.requests.size(); ++i) {
        if (decided[i] == w.expected[i]) continue;
        ++wrong;
        ++wrong_by_shape[{w.shape[i], decided[i]}];
        if (wrong_examples.size() < 5) wrong_examples.push_back(i);
    }

    if (!settings.sample_path.empty()) write_sample(settings.sample_path, w, fleet, decided, settings.seed);

    const auto n = static_cast<double>(w.requests.size());
    fmt::print("simulate: the fleet workload (seed {}), decided by ConnectionEvaluator::decide() on one thread\n",
               settings.seed);
    fmt::print("  devices       {} (x509, MQTT, client ID = thing name; {} thing types, {} sites)\n",
               with_commas(fleet.size()), k_device_types.size(), k_sites.size());
    fmt::print("  policy        1 document, {} statements, {} bytes\n", doc.ast->statements.size(), k_policy.size());
    fmt::print("  requests      {} ({} per device, {} shapes, {}; {:.1f} MB of ARNs; built in {:.2f} s, not "
               "timed)\n",
               with_commas(w.requests.size()), settings.per_device, k_shapes.size(),
               settings.shuffle ? "shuffled" : "in device order", static_cast<double>(w.resource_bytes) / 1e6, generate_seconds);
    fmt::print("  compile       {:.3f} ms wall (parse, judge and compile the policy once)\n", compile.wall * 1e3);
    fmt::print("  evaluators    {:.3f} s wall, {:.3f} s CPU for {} connections ({:.1f} µs each)\n", setup.wall,
               setup.cpu, with_commas(fleet.size()), setup.wall * 1e6 / static_cast<double>(fleet.size()));
    const auto per_connection = [&](double x) { return x / static_cast<double>(fleet.size()); };
    std::size_t hot = 0;
    for (const ConnectionEvaluator& e : evaluators) hot += e.hot_bytes();
    fmt::print("                {:.0f} bytes per connection read by decide() (and prefetched {} requests ahead)\n",
               per_connection(static_cast<double>(hot)), settings.prefetch_distance);
    const auto retained = static_cast<double>(heap_after_setup - std::min(heap_after_setup, heap_before_setup));
    fmt::print("                {} allocations ({:.0f} per connection), {:.1f} MB requested; {:.1f} MB kept on the heap "
               "({:.1f} KB per connection)\n",
               with_commas(setup.allocations), per_connection(static_cast<double>(setup.allocations)),
               static_cast<double>(setup.allocated_bytes) / 1e6, retained / 1e6, per_connection(retained) / 1e3);
    if (settings.measure) {
        const auto best = std::min_element(passes.begin(), passes.end(),
                                           [](const Timed& a, const Timed& b) { return a.wall < b.wall; });
        std::string all;
        for (const Timed& p : passes) all += fmt::format("{}{:.0f}", all.empty() ? "" : ", ", n / p.wall);
        fmt::print("  decisions     {:.4f} s wall, {:.4f} s CPU (best of {} passes)\n", best->wall, best->cpu,
                   passes.size());
        fmt::print("  throughput    {:.0f} decisions/s ({:.0f} per CPU second; {:.1f} ns each)\n", n / best->wall,
                   n / best->cpu, best->wall * 1e9 / n);
        fmt::print("  every pass    {} decisions/s\n", all);
        fmt::print("  allocations during decisions: {}\n", decision_allocations);
    }
    fmt::print("  mix           allow {} ({:.1f}%), implicit-deny {} ({:.1f}%), explicit-deny {} ({:.1f}%); uncertain "
               "{}\n",
               with_commas(mix[0]), 100.0 * static_cast<double>(mix[0]) / n, with_commas(mix[1]),
               100.0 * static_cast<double>(mix[1]) / n, with_commas(mix[2]), 100.0 * static_cast<double>(mix[2]) / n,
               uncertain);
    fmt::print("  checked       {} of {} decisions as their shape expects\n", with_commas(w.requests.size() - wrong),
               with_commas(w.requests.size()));
    fmt::print("  peak RSS      {:.1f} MB (whole process: {:.1f} MB once the fleet and requests were built, {:.1f} MB "
               "with the evaluators)\n",
               peak_rss_megabytes(), rss_workload, rss_before_decisions);
    if (!settings.sample_path.empty()) {
        fmt::print("  sample        {} requests (every {}th) written to {}\n",
                   with_commas((w.requests.size() + k_sample_every - 1) / k_sample_every), k_sample_every,
                   settings.sample_path);
    }

    int status = k_exit_ok;
    if (wrong > 0) {
        fmt::print(stderr, "iotpolicy-bench-simulate: {} decisions differ from what their shape expects\n", wrong);
        for (const auto& [key, count] : wrong_by_shape) {
            const Shape& s = k_shapes[key.first];
            fmt::print(stderr, "  shape {} ({} {}/{}): {} times {}\n", key.first, s.action, s.type, s.pattern, count,
                       kind_name(key.second));
        }
        for (const std::size_t i : wrong_examples) {
            const Explanation e = evaluator_of[i]->explain(w.requests[i]);
            fmt::print(stderr, "  {} {} by {}: {}, expected {}\n", request_action_name(w.requests[i].action),
                       w.requests[i].resource, fleet[w.device[i]].connection.name, kind_name(e.decision.kind),
                       kind_name(w.expected[i]));
        }
        status = k_exit_failure;
    }
    if (settings.measure && decision_allocations > 0) {
        fmt::print(stderr, "iotpolicy-bench-simulate: decide() allocated {} times (the target is none); "
                           "--trace-allocations 5 shows where\n",
                   decision_allocations);
        status = k_exit_failure;
    }
    return status;
}

std::uint64_t number(std::string_view option, std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        throw UsageError(fmt::format("{} takes a non-negative integer, not '{}'", option, text));
    }
    return value;
}

Settings parse_settings(std::span<char* const> args) {
    if (args.empty()) throw UsageError("no mode given");
    Settings s;
    const std::string_view mode = args[0];
    std::size_t i = 1;
    if (mode == "sample") {
        if (args.size() < 2) throw UsageError("sample needs a FILE");
        s.measure = false;
        s.sample_path = args[1];
        i = 2;
    } else if (mode != "measure") {
        throw UsageError(fmt::format("unknown mode '{}'", mode));
    }
    for (; i < args.size(); ++i) {
        const std::string_view option = args[i];
        if (i + 1 == args.size()) throw UsageError(fmt::format("{} needs a value", option));
        const std::string_view value = args[++i];
        if (option == "--repeat" && s.measure) s.repeat = std::max<std::uint64_t>(1, number(option, value));
        else if (option == "--sample" && s.measure) s.sample_path = value;
        else if (option == "--seed") s.seed = number(option, value);
        else if (option == "--order" && (value == "shuffled" || value == "device")) s.shuffle = value == "shuffled";
        else if (option == "--devices") s.devices = number(option, value);
        else if (option == "--prefetch" && s.measure) s.prefetch_distance = number(option, value);
        else if (option == "--per-device") s.per_device = number(option, value);
        else if (option == "--trace-allocations" && s.measure) s.trace_allocations = number(option, value);
        else throw UsageError(fmt::format("unknown option '{}'", option));
    }
    if (s.devices < 2) throw UsageError("--devices must be at least 2");
    if (s.per_device == 0) throw UsageError("--per-device must be at least 1");
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    const std::span<char* const> args(argv, static_cast<std::size_t>(argc));
    try {
        return run(parse_settings(args.subspan(1)));
    } catch (const UsageError& error) {
        fmt::print(stderr, "iotpolicy-bench-simulate: {}\n{}", error.what(), k_usage);
        return k_exit_usage;
    } catch (const std::exception& error) {
        fmt::print(stderr, "iotpolicy-bench-simulate: {}\n", error.what());
        return k_exit_failure;
    }
}
