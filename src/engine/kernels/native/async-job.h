// A native call that runs off the event loop and resolves a Promise (duckdb's PromiseWorker
// pattern). The JS objects behind the argument views (rk::Args) are pinned with references for the
// job's lifetime, taken from the Args themselves rather than listed by hand; Execute() touches no JS.
// Cancellation and progress are shared atomics that JS reaches through cancel()/progress().
#pragma once
#include <napi.h>

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <vector>

#include "napi-args.h"

namespace rk {

struct JobState {
  std::atomic<bool> cancelled{false};
  std::atomic<double> progress{0.0};  // fraction done, 0..1
};

struct Cancelled : std::exception {
  const char* what() const noexcept override { return "cancelled"; }
};

inline void ThrowIfCancelled(const JobState& s) {
  if (s.cancelled.load(std::memory_order_relaxed)) throw Cancelled();
}

class AsyncJob : public Napi::AsyncWorker {
 public:
  using Work = std::function<void(JobState&)>;
  using Done = std::function<Napi::Value(Napi::Env)>;

  // Build it after the last read from `args`: views read later would not be pinned.
  AsyncJob(const Args& args, Work work, Done done)
      : Napi::AsyncWorker(args.Env()), deferred_(Napi::Promise::Deferred::New(args.Env())),
        work_(std::move(work)), done_(std::move(done)), state_(std::make_shared<JobState>()) {
    args.ForEachBacking([this](Napi::Value v) { pins_.push_back(Napi::Persistent(v)); });
  }

  // Queues the job; returns { done: Promise, cancel(): void, progress(): number }.
  Napi::Object Start() {
    Napi::Env env = Env();
    auto state = state_;
    Napi::Object handle = Napi::Object::New(env);
    handle.Set("done", deferred_.Promise());
    handle.Set("cancel", Napi::Function::New(env, [state](const Napi::CallbackInfo& info) {
                 state->cancelled.store(true);
                 return info.Env().Undefined();
               }));
    handle.Set("progress", Napi::Function::New(env, [state](const Napi::CallbackInfo& info) {
                 return Napi::Number::New(info.Env(), state->progress.load());
               }));
    Queue();
    return handle;
  }

 protected:
  void Execute() override {
    try {
      work_(*state_);
    } catch (const Cancelled&) {
      cancelled_ = true;
      SetError("cancelled");
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    try {
      deferred_.Resolve(done_(Env()));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }
  void OnError(const Napi::Error& e) override {
    Napi::Object err = e.Value();
    err.Set("code", Napi::String::New(Env(), cancelled_ ? "RK_CANCELLED" : "RK_NATIVE"));
    deferred_.Reject(err);
  }

 private:
  Napi::Promise::Deferred deferred_;
  Work work_;
  Done done_;
  std::shared_ptr<JobState> state_;
  std::vector<Napi::Reference<Napi::Value>> pins_;
  bool cancelled_ = false;
};

}  // namespace rk
