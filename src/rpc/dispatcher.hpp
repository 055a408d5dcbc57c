// XML-RPC method dispatch, as supervisord's xmlrpc.py does it: the methods
// of each namespace by "namespace.method", the `system` namespace
// (listMethods, methodHelp, methodSignature, multicall), and the faults a
// caller can provoke by calling wrongly (UNKNOWN_METHOD,
// INCORRECT_PARAMETERS). A method answers now or later (supervisord's
// deferred NOT_DONE_YET: here, when the state is reached).
#pragma once

#include "xmlrpc/value.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace warden::rpc {

using outcome = std::variant<xmlrpc::value, xmlrpc::fault>;
using result_fn = std::function<void(outcome)>;

/// A method's parameters, with the checks supervisord's Python signatures
/// imply: a wrong count or a wrong type is INCORRECT_PARAMETERS.
class params {
public:
    explicit params(xmlrpc::array const& p) : p_(p) {}
    std::size_t size() const { return p_.size(); }
    xmlrpc::value const& at(std::size_t i) const { return p_.at(i); }
    /// Parameter `i` as a string (absent or another type: nullopt).
    std::optional<std::string> string(std::size_t i) const;
    /// Parameter `i` as an int.
    std::optional<long long> integer(std::size_t i) const;
    /// Parameter `i` as a boolean (an int counts, as Python's truth does);
    /// `fallback` when absent.
    std::optional<bool> boolean(std::size_t i, bool fallback) const;

private:
    xmlrpc::array const& p_;
};

struct method {
    std::string name;                   ///< "supervisor.startProcess"
    std::vector<std::string> signature; ///< return type, then parameter types ("boolean", "string", ...)
    std::string help;                   ///< what system.methodHelp returns
    std::size_t min_params = 0;
    std::size_t max_params = 0;
    std::function<void(params const&, result_fn)> call;
};

class dispatcher {
public:
    dispatcher();

    void add(method m);
    /// Run `name` with `params`; `done` gets the value or the fault (once).
    void call(std::string const& name, xmlrpc::array const& params, result_fn done) const;

private:
    void multicall(xmlrpc::array calls, result_fn done) const;

    std::map<std::string, method> methods_;
};

} // namespace warden::rpc
