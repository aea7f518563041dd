// The connection machine's transition table (docs/connection-states.md is
// generated from it), its state names and its MachineTable (base/machine.hpp).
#include "session/connection_machine.hpp"

namespace natter {

using S = ConnState;

const char* const kConnNames[] = {"Idle", "ExpectToken", "ExpectOpen", "ExpectWelcome", "Live",
                                  "Backoff", "Offline", "Closed", "Failed"};
const Transition<ConnState> kConnTransitions[] = {
    {S::Idle, S::ExpectOpen, NATTER_ON("wanted")},
    {S::Idle, S::ExpectToken, NATTER_ON("wanted, no fresh token")},
    {S::Idle, S::Closed, NATTER_ON("host closes")},
    {S::ExpectToken, S::ExpectOpen, NATTER_ON("token received")},
    {S::ExpectToken, S::Backoff, NATTER_ON("token fetch failed / connect timeout")},
    {S::ExpectToken, S::Offline, NATTER_ON("token fetch failed while offline")},
    {S::ExpectToken, S::Closed, NATTER_ON("host closes")},
    {S::ExpectToken, S::ExpectToken, NATTER_ON("online / visible / retry now (new fetch)")},
    {S::ExpectOpen, S::ExpectWelcome, NATTER_ON("socket opened (hello sent)")},
    {S::ExpectOpen, S::Backoff, NATTER_ON("upgrade failed / connect timeout")},
    {S::ExpectOpen, S::Offline, NATTER_ON("failed while offline")},
    {S::ExpectOpen, S::Closed, NATTER_ON("host closes")},
    {S::ExpectOpen, S::ExpectOpen, NATTER_ON("online / visible / retry now (new socket)")},
    {S::ExpectOpen, S::ExpectToken, NATTER_ON("online / visible / retry now, no fresh token")},
    {S::ExpectWelcome, S::Live, NATTER_ON("welcome")},
    {S::ExpectWelcome, S::Backoff, NATTER_ON("closed / welcome timeout")},
    {S::ExpectWelcome, S::Offline, NATTER_ON("closed while offline")},
    {S::ExpectWelcome, S::Failed, NATTER_ON("unsupported version / refused twice")},
    {S::ExpectWelcome, S::Closed, NATTER_ON("host closes / another tab took over")},
    {S::ExpectWelcome, S::ExpectOpen, NATTER_ON("online / visible / retry now (new socket)")},
    {S::ExpectWelcome, S::ExpectToken, NATTER_ON("online / visible / retry now, no fresh token")},
    {S::Live, S::Backoff, NATTER_ON("closed / heartbeat silence")},
    {S::Live, S::Offline, NATTER_ON("closed while offline")},
    {S::Live, S::Failed, NATTER_ON("unsupported version / refused twice")},
    {S::Live, S::Closed, NATTER_ON("host closes / another tab took over")},
    {S::Backoff, S::ExpectOpen, NATTER_ON("reconnect timer / online / visible / retry now")},
    {S::Backoff, S::ExpectToken, NATTER_ON("reconnect timer / online / visible / retry now, no fresh token")},
    {S::Backoff, S::Offline, NATTER_ON("browser offline")},
    {S::Backoff, S::Closed, NATTER_ON("host closes")},
    {S::Offline, S::ExpectOpen, NATTER_ON("browser online / safety-net timer / retry now")},
    {S::Offline, S::ExpectToken, NATTER_ON("browser online / safety-net timer / retry now, no fresh token")},
    {S::Offline, S::Closed, NATTER_ON("host closes")},
    {S::Closed, S::ExpectOpen, NATTER_ON("wanted again / use here")},
    {S::Closed, S::ExpectToken, NATTER_ON("wanted again / use here, no fresh token")},
    {S::Failed, S::ExpectOpen, NATTER_ON("retry now")},
    {S::Failed, S::ExpectToken, NATTER_ON("retry now, no fresh token")},
    {S::Failed, S::Closed, NATTER_ON("host closes")},
};
const std::size_t kConnTransitionCount = sizeof(kConnTransitions) / sizeof(kConnTransitions[0]);
const MachineTable<ConnState> kConnMachine{"connection", kConnNames, kConnTransitions};
const MachineTable<ConnState>& table_of(ConnState) { return kConnMachine; }

}  // namespace natter
