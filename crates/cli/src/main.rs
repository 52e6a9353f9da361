//! `hookguard`: sign, send, verify and listen to webhook deliveries from
//! the command line, with the same engine the SDK uses.
//!
//! Exit codes: 0 success, 1 a refused delivery or a failed request, 2 a
//! usage error (the reason on stderr).

mod args;
mod listen;
mod noma;
mod output;
mod printer;
mod provider;
mod sample;
mod send;
mod sign;
mod verify;

use std::process::ExitCode;

use clap::Parser as _;

use crate::args::{Cli, Command};

/// What went wrong, and which exit code says so.
#[derive(Debug)]
enum Failure {
    /// The command line or configuration is wrong: exit 2.
    Usage(String),
    /// The work itself failed (a refused delivery, an unreachable server): exit 1.
    Failed(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Sign(arguments) => sign::run(&arguments),
        Command::Verify(arguments) => verify::run(&arguments),
        Command::Send(arguments) => send::run(&arguments),
        Command::Listen(arguments) => listen::run(&arguments),
        Command::Noma(arguments) => noma::run(&arguments),
    };
    match outcome {
        Ok(code) => code,
        Err(Failure::Usage(reason)) => {
            eprintln!("error: {reason}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(reason)) => {
            eprintln!("error: {reason}");
            ExitCode::from(1)
        }
    }
}
