//! A payment between two parties: the debtor (who pays) and the creditor (who is paid), each with an account,
//! the bank's customer id, a name, a country and their bank. Cash deposits have no debtor account; cash
//! withdrawals have no creditor account.

use crate::{Amount, Currency, Timestamp};
use interdict_model::Country;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// How the money moved. Rules test it by its snake_case name (`channel == 'cash_deposit'`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Credit transfer between accounts (SEPA, SWIFT, pacs.008).
    #[default]
    Wire,
    CashDeposit,
    CashWithdrawal,
    /// A purchase paid in cash at a merchant (the French 1,000 euro limit).
    CashPayment,
    Card,
    /// Loading a prepaid card.
    PrepaidLoad,
    Cheque,
    /// Money remitter or hawala-type transfer.
    Remittance,
    Other,
}

impl Channel {
    pub const ALL: [Channel; 9] = [
        Channel::Wire,
        Channel::CashDeposit,
        Channel::CashWithdrawal,
        Channel::CashPayment,
        Channel::Card,
        Channel::PrepaidLoad,
        Channel::Cheque,
        Channel::Remittance,
        Channel::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Wire => "wire",
            Channel::CashDeposit => "cash_deposit",
            Channel::CashWithdrawal => "cash_withdrawal",
            Channel::CashPayment => "cash_payment",
            Channel::Card => "card",
            Channel::PrepaidLoad => "prepaid_load",
            Channel::Cheque => "cheque",
            Channel::Remittance => "remittance",
            Channel::Other => "other",
        }
    }

    /// Whether cash changes hands (untraceable on one side).
    pub fn is_cash(self) -> bool {
        matches!(
            self,
            Channel::CashDeposit | Channel::CashWithdrawal | Channel::CashPayment
        )
    }
}

impl FromStr for Channel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        Ok(match t.as_str() {
            "wire" | "transfer" | "credit_transfer" | "sepa" | "swift" => Channel::Wire,
            "cash_deposit" | "cash-in" | "cash_in" | "deposit" => Channel::CashDeposit,
            "cash_withdrawal" | "cash-out" | "cash_out" | "withdrawal" | "atm" => {
                Channel::CashWithdrawal
            }
            "cash_payment" | "cash" => Channel::CashPayment,
            "card" | "credit" | "debit_card" => Channel::Card,
            "prepaid_load" | "prepaid" => Channel::PrepaidLoad,
            "cheque" | "check" => Channel::Cheque,
            "remittance" | "mto" | "hawala" => Channel::Remittance,
            "other" => Channel::Other,
            _ => {
                return Err(format!(
                    "unknown channel {s:?} (expected one of wire, cash_deposit, cash_withdrawal, cash_payment, card, prepaid_load, cheque, remittance, other)"
                ));
            }
        })
    }
}

/// What kind of customer a party is. Only legal form, never a personal attribute (principle 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    #[default]
    Unknown,
    Person,
    Organization,
    /// A non-profit organisation (charity, association, foundation).
    Npo,
}

impl PartyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PartyKind::Unknown => "unknown",
            PartyKind::Person => "person",
            PartyKind::Organization => "organization",
            PartyKind::Npo => "npo",
        }
    }
}

impl FromStr for PartyKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "" | "unknown" => PartyKind::Unknown,
            "person" | "individual" | "i" => PartyKind::Person,
            "organization" | "organisation" | "company" | "business" | "o" => {
                PartyKind::Organization
            }
            "npo" | "non_profit" | "nonprofit" | "charity" | "ngo" => PartyKind::Npo,
            _ => {
                return Err(format!(
                    "unknown party kind {s:?} (expected person, organization, npo or unknown)"
                ));
            }
        })
    }
}

/// One side of a transaction. Empty strings mean "not known".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Party {
    /// Account number or IBAN; empty for the cash side of a cash transaction.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub account: String,
    /// The bank's customer id for the account holder (several accounts may share one).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub customer: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default)]
    pub kind: PartyKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Country>,
    /// An identifier of the party: national id, passport, LEI, registration number.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub identifier: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub bank_bic: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub bank_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_country: Option<Country>,
}

impl Party {
    /// The key windowed aggregates use for this party as `entity = "account"`: the account, else the customer.
    pub fn account_key(&self) -> &str {
        if self.account.is_empty() {
            &self.customer
        } else {
            &self.account
        }
    }

    /// The key for `entity = "customer"`: the customer id, else the account.
    pub fn customer_key(&self) -> &str {
        if self.customer.is_empty() {
            &self.account
        } else {
            &self.customer
        }
    }
}

/// One payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    pub id: String,
    pub timestamp: Timestamp,
    pub amount: Amount,
    pub currency: Currency,
    #[serde(default)]
    pub channel: Channel,
    pub debtor: Party,
    pub creditor: Party,
    /// Remittance information or purpose code, as given.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub purpose: String,
}

impl Transaction {
    /// Whether both countries are known and differ.
    pub fn is_cross_border(&self) -> bool {
        match (self.debtor.country, self.creditor.country) {
            (Some(a), Some(b)) => a != b,
            _ => false,
        }
    }
}
