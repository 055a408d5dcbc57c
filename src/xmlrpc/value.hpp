// XML-RPC's data model (http://xmlrpc.com/spec.md), as supervisord's API
// uses it: int, boolean, string, double, dateTime.iso8601, base64, array,
// struct, and the common nil extension. Pure: standard library only.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace warden::xmlrpc {

struct value;
using array = std::vector<value>;
/// Members in the order they were given (XML-RPC structs are unordered;
/// the order only makes the output stable).
using structure = std::vector<std::pair<std::string, value>>;

/// <nil/>
struct nil {
    bool operator==(nil const&) const = default;
};
/// <dateTime.iso8601>, kept as written ("20261202T16:40:00").
struct date_time {
    std::string text;
    bool operator==(date_time const&) const = default;
};
/// <base64>, decoded.
struct binary {
    std::string bytes;
    bool operator==(binary const&) const = default;
};

struct value {
    using variant_type = std::variant<nil, bool, std::int32_t, double, std::string, date_time, binary, array, structure>;
    variant_type v;

    value() = default;
    value(nil n) : v(n) {}
    value(bool b) : v(b) {}
    value(int i) : v(static_cast<std::int32_t>(i)) {}
    value(double d) : v(d) {}
    value(std::string s) : v(std::move(s)) {}
    value(char const* s) : v(std::string(s)) {}
    value(date_time t) : v(std::move(t)) {}
    value(binary b) : v(std::move(b)) {}
    value(array a) : v(std::move(a)) {}
    value(structure s) : v(std::move(s)) {}

    template <class T>
    bool is() const { return std::holds_alternative<T>(v); }
    template <class T>
    T const* get() const { return std::get_if<T>(&v); }
    template <class T>
    T* get() { return std::get_if<T>(&v); }

    /// A struct member, or null.
    value const* member(std::string_view name) const;

    bool operator==(value const& other) const { return v == other.v; }
};

/// The XML-RPC type name of a value ("int", "struct", ...), for messages.
char const* type_name(value const& v);

/// What a client asked for.
struct method_call {
    std::string method;
    array params;
};

/// An XML-RPC fault: a code and a string.
struct fault {
    int code = 0;
    std::string text;
};

} // namespace warden::xmlrpc
